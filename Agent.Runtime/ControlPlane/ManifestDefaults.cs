using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Fills the holes of a deserialized manifest. The source-generated JSON sets every init-only property, so a
/// field missing from the JSON (or Go's <c>null</c> for an empty slice) arrives as <c>null</c> despite the
/// record's initializers; after this, strings are empty, collections are empty and null elements are dropped.
/// </summary>
public static class ManifestDefaults
{
    public static Manifest Apply(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest with
        {
            VsCodePortProxyUri = manifest.VsCodePortProxyUri ?? string.Empty,
            Apps = (manifest.Apps ?? []).Where(app => app is not null).Select(Apply).ToList(),
            EnvironmentVariables = manifest.EnvironmentVariables ?? new Dictionary<string, string>(),
            StartupScript = manifest.StartupScript ?? string.Empty,
            Directory = manifest.Directory ?? string.Empty,
            MotdFile = manifest.MotdFile ?? string.Empty,
            ShutdownScript = manifest.ShutdownScript ?? string.Empty,
            Metadata = (manifest.Metadata ?? []).Where(item => item is not null).Select(Apply).ToList(),
        };
    }

    public static WorkspaceApp Apply(WorkspaceApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app with
        {
            Url = app.Url ?? string.Empty,
            Slug = app.Slug ?? string.Empty,
            DisplayName = app.DisplayName ?? string.Empty,
            Command = app.Command ?? string.Empty,
            Icon = app.Icon ?? string.Empty,
            SharingLevel = string.IsNullOrEmpty(app.SharingLevel) ? "owner" : app.SharingLevel,
            Healthcheck = app.Healthcheck is null
                ? new Healthcheck()
                : app.Healthcheck with { Url = app.Healthcheck.Url ?? string.Empty },
        };
    }

    public static MetadataDescription Apply(MetadataDescription item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item with
        {
            DisplayName = item.DisplayName ?? string.Empty,
            Key = item.Key ?? string.Empty,
            Script = item.Script ?? string.Empty,
        };
    }
}
