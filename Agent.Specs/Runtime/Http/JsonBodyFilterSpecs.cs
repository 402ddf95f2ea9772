using Agent.Runtime.Http;

namespace Agent.Specs.Runtime.Http;

public sealed class JsonBodyFilterSpecs
{
    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    public void IsJson_ApplicationJson_True(string contentType) => Assert.True(JsonBodyFilter.IsJson(contentType));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/jsonp")]
    [InlineData("application/json-seq")]
    [InlineData("text/json")]
    public void IsJson_AnythingElse_False(string? contentType) => Assert.False(JsonBodyFilter.IsJson(contentType));
}
