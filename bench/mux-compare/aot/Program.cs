using System.Text;
using Nerdbank.Streams;

// Two MultiplexingStreams over an in-memory duplex pair: offer a channel, send a line, read it back.
var (left, right) = FullDuplexStream.CreatePair();
var options = new MultiplexingStream.Options { ProtocolMajorVersion = 3 };
var creating = MultiplexingStream.CreateAsync(left, options);
await using var server = await MultiplexingStream.CreateAsync(right, options);
await using var client = await creating;
var accepting = server.AcceptChannelAsync("echo");
var offered = await client.OfferChannelAsync("echo");
var accepted = await accepting;
await offered.AsStream().WriteAsync(Encoding.ASCII.GetBytes("hello"));
var buffer = new byte[5];
await accepted.AsStream().ReadExactlyAsync(buffer);
Console.WriteLine($"nerdbank over NativeAOT: {Encoding.ASCII.GetString(buffer)}");
return Encoding.ASCII.GetString(buffer) == "hello" ? 0 : 1;
