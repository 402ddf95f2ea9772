namespace Agent.Runtime.Os.Processes;

/// <summary>A child that <see cref="SpawnBuilder"/> started: its pid and its raw wait status, once <see cref="ChildReaper"/> reaped it.</summary>
internal sealed record SpawnedChild(int Id, Task<int> WaitStatus);
