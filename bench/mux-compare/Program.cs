using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Relay.Yamux;
using Microsoft.Extensions.Logging.Abstractions;
using Nerdbank.Streams;

// usage: MuxCompare <tcp|yamux|nerdbank> <streams> <megabytes>
// Sends <megabytes> MiB in total (split evenly over <streams> streams) from a client to a server over a
// loopback TCP connection and prints one line: "<mode> <streams> <MB/s>".
var mode = args.Length > 0 ? args[0] : "yamux";
var streams = args.Length > 1 ? int.Parse(args[1]) : 1;
var megabytes = args.Length > 2 ? long.Parse(args[2]) : 1024;
var total = megabytes * 1024 * 1024;
var perStream = total / streams;
const int Chunk = 256 * 1024;

using var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
var port = ((IPEndPoint)listener.LocalEndpoint).Port;
var acceptTask = listener.AcceptTcpClientAsync();
using var clientSocket = new TcpClient { NoDelay = true };
await clientSocket.ConnectAsync(IPAddress.Loopback, port);
using var serverSocket = await acceptTask;
serverSocket.NoDelay = true;
var clientStream = clientSocket.GetStream();
var serverStream = serverSocket.GetStream();

var stopwatch = new Stopwatch();
switch (mode)
{
    case "tcp":
        {
            stopwatch.Start();
            var reader = Task.Run(() => Drain(serverStream, total));
            await Fill(clientStream, total);
            await reader;
            break;
        }

    case "yamux":
        {
            var options = new YamuxOptions();
            await using var client = YamuxSession.Client(clientStream, options, NullLogger.Instance);
            await using var server = YamuxSession.Server(serverStream, options, NullLogger.Instance);
            stopwatch.Start();
            var readers = Task.Run(async () =>
            {
                var drains = new List<Task>();
                for (var i = 0; i < streams; i++)
                {
                    var stream = await server.AcceptStreamAsync(CancellationToken.None);
                    drains.Add(Task.Run(() => Drain(stream, perStream)));
                }

                await Task.WhenAll(drains);
            });
            var writers = Enumerable.Range(0, streams).Select(_ => Task.Run(async () =>
            {
                var stream = await client.OpenStreamAsync(CancellationToken.None);
                await Fill(stream, perStream);
            }));
            await Task.WhenAll(writers);
            await readers;
            break;
        }

    case "nerdbank":
        {
            var clientMux = MultiplexingStream.CreateAsync(clientStream, new MultiplexingStream.Options { ProtocolMajorVersion = 3 }, CancellationToken.None);
            var serverMux = MultiplexingStream.CreateAsync(serverStream, new MultiplexingStream.Options { ProtocolMajorVersion = 3 }, CancellationToken.None);
            await using var client = await clientMux;
            await using var server = await serverMux;
            stopwatch.Start();
            var readers = Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
            {
                var channel = await server.AcceptChannelAsync($"s{i}", CancellationToken.None);
                await Drain(channel.AsStream(), perStream);
            }));
            var writers = Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
            {
                var channel = await client.OfferChannelAsync($"s{i}", CancellationToken.None);
                var stream = channel.AsStream();
                await Fill(stream, perStream);
                await stream.FlushAsync();
            }));
            await Task.WhenAll(writers.Concat(readers));
            break;
        }

    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}

stopwatch.Stop();
Console.WriteLine($"{mode} {streams} {total / 1e6 / stopwatch.Elapsed.TotalSeconds:0}");
return 0;

static async Task Fill(Stream stream, long count)
{
    var buffer = new byte[Chunk];
    Random.Shared.NextBytes(buffer);
    while (count > 0)
    {
        var n = (int)Math.Min(Chunk, count);
        await stream.WriteAsync(buffer.AsMemory(0, n));
        count -= n;
    }
}

static async Task Drain(Stream stream, long count)
{
    var buffer = new byte[Chunk];
    while (count > 0)
    {
        var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(Chunk, count)));
        if (n == 0)
            throw new EndOfStreamException($"{count} bytes short");
        count -= n;
    }
}
