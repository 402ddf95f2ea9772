using Agent.Runtime.ControlPlane.Persistence;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

public sealed class DatabaseUrlSpecs
{
    private const string Secret = "s3cr:t@pass";

    public static TheoryData<string, string, int, string, string?, string, string> Postgres => new()
    {
        // URL, host, port, user, password, database, ToString()
        { "postgres://agent:pw@db.example:6543/state", "db.example", 6543, "agent", "pw", "state", "postgres://agent:***@db.example:6543/state" },
        { "postgresql://agent@127.0.0.1/state", "127.0.0.1", 5432, "agent", null, "state", "postgres://agent@127.0.0.1:5432/state" },
        { "POSTGRES://agent@[::1]:5433/state", "::1", 5433, "agent", null, "state", "postgres://agent@[::1]:5433/state" },
        { "postgres://al%40ice:p%3Aw%40rd@host/my%20db", "host", 5432, "al@ice", "p:w@rd", "my db", "postgres://al%40ice:***@host:5432/my%20db" },
        { "postgres://agent@/state?host=/run/pg", "/run/pg", 5432, "agent", null, "state", "postgres://agent@/state?host=/run/pg" },
        { "postgres://agent@/state?host=%2Frun%2Fpg&port=5499", "/run/pg", 5499, "agent", null, "state", "postgres://agent@/state?host=/run/pg&port=5499" },
        { "postgres://%2Frun%2Fpg/state", "/run/pg", 5432, "", null, "state", "postgres:///state?host=/run/pg" },
        { "postgres:///state", "/var/run/postgresql", 5432, "", null, "state", "postgres:///state?host=/var/run/postgresql" },
        { "postgres://agent:@host/state?sslmode=require", "host", 5432, "agent", "", "state", "postgres://agent:***@host:5432/state?sslmode=require" },
    };

    public static TheoryData<string, string> Refused => new()
    {
        { "", "not a database URL" },
        { "mysql://agent:" + Secret + "@host/db", "not a database URL" },
        { "/var/lib/agent/state.db", "not a database URL" },
        { "sqlite:", "sqlite URL without a path" },
        { "sqlite:/var/lib/agent/", "names a directory" },
        { "postgres://agent:" + Secret + "@host", "postgres URL without a database name" },
        { "postgres://agent:" + Secret + "@host/", "postgres URL without a database name" },
        { "postgres://agent:" + Secret + "@host:99999/db", "invalid port \"99999\"" },
        { "postgres://agent:" + Secret + "@host:x/db", "invalid port \"x\"" },
        { "postgres://agent:" + Secret + "@[::1/db", "unclosed [" },
        { "postgres://agent:%zz@host/db", "malformed percent-encoding" },
        { "postgres://agent:" + Secret + "@host/db?application_name=x", "unsupported parameter \"application_name\"" },
        { "postgres://agent:" + Secret + "@host/db?sslmode=sometimes", "unknown sslmode \"sometimes\"" },
    };

    [Theory]
    [MemberData(nameof(Postgres))]
    public void Parse_PostgresUrl_TakesItsPartsAndHidesThePassword(string text, string host, int port, string user, string? password, string database, string shown)
    {
        var url = DatabaseUrl.Parse(text, out var problem);

        Assert.Null(problem);
        Assert.NotNull(url);
        Assert.Equal((DatabaseKind.Postgres, host, port, user, password, database), (url.Kind, url.Host, url.Port, url.User, url.Password, url.Database));
        Assert.Equal(shown, url.ToString());
        if (!string.IsNullOrEmpty(password))
            Assert.DoesNotContain(password, url.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite:/var/lib/agent/control-plane.db", "/var/lib/agent/control-plane.db")]
    [InlineData("sqlite:///var/lib/agent/control-plane.db", "/var/lib/agent/control-plane.db")]
    [InlineData("SQLITE:/a/../b/c.db", "/b/c.db")]
    public void Parse_SqliteUrl_TakesTheFullPath(string text, string path)
    {
        var url = DatabaseUrl.Parse(text, out var problem);

        Assert.Null(problem);
        Assert.Equal((DatabaseKind.Sqlite, path), (url!.Kind, url.Path));
        Assert.Equal("sqlite:" + path, url.ToString());
    }

    [Fact]
    public void Parse_RelativeSqlitePath_IsResolvedAgainstTheCurrentDirectory()
    {
        var url = DatabaseUrl.Parse("sqlite:state/control-plane.db", out _);

        Assert.Equal(Path.Join(Directory.GetCurrentDirectory(), "state", "control-plane.db"), url!.Path);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Parse_MalformedUrl_IsRefusedWithAProblemThatNeverShowsThePassword(string text, string expected)
    {
        var url = DatabaseUrl.Parse(text, out var problem);

        Assert.Null(url);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr", problem, StringComparison.Ordinal);
    }
}
