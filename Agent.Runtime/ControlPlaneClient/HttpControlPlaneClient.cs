using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlaneClient;

/// <summary>
/// The agent side of Coder's agent REST API (mid-2023) over HTTP: every call goes to
/// <c>/api/v2/workspaceagents/me/...</c> relative to the current control plane (<see cref="ControlPlaneEndpoints.Current"/>,
/// or the one <see cref="HttpClient.BaseAddress"/> names) and carries the agent
/// token in the <c>Coder-Session-Token</c> header. A refusal is a <see cref="ControlPlaneException"/> with the
/// HTTP status and the server's <c>message</c>; a transport failure, a timeout or an unreadable answer is a
/// <see cref="ControlPlaneException"/> without a status. Cancellation through the caller's token stays an
/// <see cref="OperationCanceledException"/>. The token is never logged.
/// </summary>
public sealed class HttpControlPlaneClient : IControlPlaneClient
{
    /// <summary>Answers larger than this are refused rather than buffered.</summary>
    public const int MaxAnswerBytes = 16 << 20;

    /// <summary>The git helpers' answers (a key pair, a user name and password) are small; larger ones are refused.</summary>
    public const int MaxGitAnswerBytes = 64 << 10;

    private const string MePath = "api/v2/workspaceagents/me/";
    private const int MaxErrorBodyBytes = 64 << 10;

    private readonly HttpClient _http;
    private readonly ControlPlaneEndpoints _endpoints;
    private readonly string _agentToken;
    private readonly ILogger<HttpControlPlaneClient> _logger;

    /// <summary>A client of the one control plane <paramref name="http"/>'s <see cref="HttpClient.BaseAddress"/> names.</summary>
    public HttpControlPlaneClient(HttpClient http, string agentToken, ILogger<HttpControlPlaneClient> logger)
        : this(http, ControlPlaneEndpoints.Of(http?.BaseAddress ?? throw new ArgumentException("the HttpClient needs a BaseAddress (the control plane URL)", nameof(http))), agentToken, logger)
    {
    }

    /// <summary>A client whose every call goes to <paramref name="endpoints"/>' current control plane.</summary>
    public HttpControlPlaneClient(HttpClient http, ControlPlaneEndpoints endpoints, string agentToken, ILogger<HttpControlPlaneClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentToken);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _endpoints = endpoints;
        _agentToken = agentToken;
        _logger = logger;
    }

    /// <summary>Token authentication: the configured agent token is the session token.</summary>
    public Task<string> ExchangeTokenAsync(CancellationToken cancellationToken) => Task.FromResult(_agentToken);

    /// <summary>The manifest; missing or <c>null</c> fields read as empty (the wire records see to that).</summary>
    public Task<Manifest> GetManifestAsync(CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, "manifest", null, AgentJsonContext.Default.Manifest, cancellationToken);

    public Task PostStartupAsync(StartupRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "startup", Json(request, AgentJsonContext.Default.StartupRequest), cancellationToken);

    public Task PostLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "report-lifecycle", Json(report, AgentJsonContext.Default.LifecycleReport), cancellationToken);

    public Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Patch, "startup-logs", Json(request, AgentJsonContext.Default.StartupLogsRequest), cancellationToken);

    public Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return SendAsync(
            HttpMethod.Post,
            "metadata/" + Uri.EscapeDataString(key),
            Json(result, AgentJsonContext.Default.MetadataResult),
            cancellationToken);
    }

    public Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "app-health", Json(request, AgentJsonContext.Default.AppHealthRequest), cancellationToken);

    public Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "report-stats", Json(stats, AgentJsonContext.Default.Stats), AgentJsonContext.Default.StatsResponse, cancellationToken);

    public Task PatchLogsAsync(LogsRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Patch, "logs", Json(request, AgentJsonContext.Default.LogsRequest), cancellationToken);

    public Task PostResourcesMonitoringAsync(ResourcesReport report, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "resources-monitoring", Json(report, AgentJsonContext.Default.ResourcesReport), cancellationToken);

    public Task PostConnectionsAsync(ConnectionReportsRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "connections", Json(request, AuditJsonContext.Default.ConnectionReportsRequest), cancellationToken);

    /// <summary>The workspace owner's key for git over SSH (<c>GET me/gitsshkey</c>).</summary>
    public Task<GitSshKey> GetGitSshKeyAsync(CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, "gitsshkey", null, AgentJsonContext.Default.GitSshKey, cancellationToken, MaxGitAnswerBytes);

    /// <summary>The credentials for the git remote <paramref name="gitUrl"/> (<c>GET me/gitauth?url=</c>).</summary>
    public Task<GitAuthResponse> GetGitAuthAsync(string gitUrl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(gitUrl);
        return SendAsync(HttpMethod.Get, "gitauth?url=" + Uri.EscapeDataString(gitUrl), null, AgentJsonContext.Default.GitAuthResponse, cancellationToken, MaxGitAnswerBytes);
    }

    // Session recording (issue 14).
    public Task<RecordingStartResponse> StartRecordingAsync(RecordingStartRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "recordings", Json(request, AgentJsonContext.Default.RecordingStartRequest), AgentJsonContext.Default.RecordingStartResponse, cancellationToken);

    public Task AppendRecordingAsync(string id, RecordingChunkRequest chunk, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return SendAsync(HttpMethod.Post, $"recordings/{Uri.EscapeDataString(id)}/chunks", Json(chunk, AgentJsonContext.Default.RecordingChunkRequest), cancellationToken);
    }

    public Task EndRecordingAsync(string id, RecordingEndRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return SendAsync(HttpMethod.Post, $"recordings/{Uri.EscapeDataString(id)}/end", Json(request, AgentJsonContext.Default.RecordingEndRequest), cancellationToken);
    }

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, string what, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
            throw new ControlPlaneException($"{what}: the answer of {content.Headers.ContentLength} bytes is larger than {limit} bytes");
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 << 10];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new ControlPlaneException($"{what}: the answer is larger than {limit} bytes");
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string RefusalMessage(string what, HttpResponseMessage response, byte[] body)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        if (body.Length > 0)
        {
            try
            {
                var error = JsonSerializer.Deserialize(body, AgentJsonContext.Default.ErrorResponse);
                if (!string.IsNullOrEmpty(error?.Message))
                {
                    return string.IsNullOrEmpty(error.Detail)
                        ? error.Message
                        : $"{error.Message} ({error.Detail})";
                }
            }
            catch (JsonException)
            {
                // Not Coder's error shape (a proxy's HTML page, say): fall back to the status line and a text excerpt.
            }

            var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).ReplaceLineEndings(" ").Trim();
            return $"{what}: {status}: {text}";
        }

        return $"{what}: {status}";
    }

    private async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
        => await ExchangeAsync(method, path, content, cancellationToken);

    private async Task<T> SendAsync<T>(
        HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> answer, CancellationToken cancellationToken, int answerLimit = MaxAnswerBytes)
    {
        var body = await ExchangeAsync(method, path, content, cancellationToken, answerLimit);
        var what = $"{method} me/{path}";
        try
        {
            return JsonSerializer.Deserialize(body, answer)
                ?? throw new ControlPlaneException($"{what}: the answer was JSON null, expected an object");
        }
        catch (JsonException ex)
        {
            throw new ControlPlaneException($"{what}: the answer is not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Sends one request and returns the body of a successful answer; the client's timeout covers the body too.</summary>
    private async Task<byte[]> ExchangeAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, int answerLimit = MaxAnswerBytes)
    {
        var what = $"{method} me/{path}";
        using var request = new HttpRequestMessage(method, new Uri(_endpoints.Current, MePath + path)) { Content = content };
        request.Headers.TryAddWithoutValidation(SessionTokenHeader.Name, _agentToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_http.Timeout != Timeout.InfiniteTimeSpan)
            deadline.CancelAfter(_http.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            _logger.RequestAnswered(what, (int)response.StatusCode);
            if (response.IsSuccessStatusCode)
                return await ReadBoundedAsync(response.Content, answerLimit, what, deadline.Token);

            byte[] body;
            try
            {
                body = await ReadBoundedAsync(response.Content, MaxErrorBodyBytes, what, deadline.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or ControlPlaneException)
            {
                body = [];
            }

            var message = RefusalMessage(what, response, body);
            _logger.RequestRefused(what, message);
            throw new ControlPlaneException(response.StatusCode, message);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlPlaneException($"{what}: no complete answer within {_http.Timeout.TotalSeconds:0.###} s", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new ControlPlaneException($"{what}: {ex.Message}", ex);
        }
    }
}
