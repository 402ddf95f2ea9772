using Agent.Reactive.Protocol;

namespace Agent.Reactive.Apps;

/// <summary>
/// One app's consecutive probe failures and health, counted exactly as Coder's <c>apphealth.go</c> does:
/// while fewer than <c>threshold</c> failures were counted a failure only counts, the next failure makes
/// the app unhealthy, so it turns unhealthy on the (threshold + 1)-th consecutive failure. One success
/// makes it healthy and clears the count.
/// </summary>
internal readonly record struct AppHealthCounter(int Failures, AppHealth Health)
{
    public AppHealthCounter Next(bool healthy, int threshold)
    {
        if (healthy)
            return new AppHealthCounter(0, AppHealth.Healthy);
        return Failures < threshold ? this with { Failures = Failures + 1 } : this with { Health = AppHealth.Unhealthy };
    }
}
