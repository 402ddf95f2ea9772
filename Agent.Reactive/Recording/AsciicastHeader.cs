namespace Agent.Reactive.Recording;

/// <summary>What the first line of an asciicast v2 file says about the session.</summary>
/// <param name="Width">Columns at the start.</param>
/// <param name="Height">Rows at the start.</param>
/// <param name="StartedAt">When the session started (the header's Unix <c>timestamp</c>; event times count from it).</param>
/// <param name="Shell">The session's <c>SHELL</c>, if known.</param>
/// <param name="Term">The session's <c>TERM</c>, if known.</param>
/// <param name="Title">A title for players: what ran and for whom.</param>
public sealed record AsciicastHeader(int Width, int Height, DateTimeOffset StartedAt, string? Shell, string? Term, string Title);
