using System.Net;

namespace Agent.Reactive.Effects;

/// <summary>The control plane answered, but not with success.</summary>
public sealed class ControlPlaneException : Exception
{
    public ControlPlaneException()
    {
    }

    public ControlPlaneException(string message)
        : base(message)
    {
    }

    public ControlPlaneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ControlPlaneException(HttpStatusCode statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status of the answer, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }
}
