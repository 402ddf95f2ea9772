using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Agent.Reactive.Protocol;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.Http;

/// <summary>Reading JSON request bodies and writing JSON answers and errors (Coder's <c>{"message","detail"}</c>).</summary>
internal static class ApiResponses
{
    public static Task WriteErrorAsync(HttpContext context, int status, string message, string? detail = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new ErrorResponse(message, detail),
            AgentJsonContext.Default.ErrorResponse,
            contentType: null,
            context.RequestAborted);
    }

    public static Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return context.Response.WriteAsJsonAsync(value, typeInfo, contentType: null, context.RequestAborted);
    }

    /// <summary>Coder answers several reports with <c>200</c> and a JSON <c>null</c>.</summary>
    public static Task WriteNullAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync("null", context.RequestAborted);
    }

    public static void WriteNoContent(HttpContext context) => context.Response.StatusCode = StatusCodes.Status204NoContent;

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>; on malformed JSON, a JSON <c>null</c> or an oversized body it
    /// writes the error answer (400 or 413) and returns <c>null</c>.
    /// </summary>
    public static async Task<T?> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted);
            if (value is null)
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Request body must be a JSON object.");
            return value;
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Request body is not valid JSON.", ex.Message);
        }
        catch (FormatException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Request body is not valid JSON.", ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteErrorAsync(context, ex.StatusCode, "Request body could not be read.", ex.Message);
        }

        return null;
    }
}
