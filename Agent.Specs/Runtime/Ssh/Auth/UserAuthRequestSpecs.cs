using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Specs.Runtime.Ssh.Auth;

/// <summary>The login name of a userauth request, read as sshd reads it: a BSD authentication style after the first colon is dropped.</summary>
public class UserAuthRequestSpecs
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("alice:style", "alice")]
    [InlineData("alice:", "alice")]
    [InlineData("alice:skey:more", "alice")]
    [InlineData(":style", "")]
    public void Parse_UserWithOrWithoutStyle_UserIsTheNameBeforeTheFirstColon(string sent, string user)
    {
        var payload = new SshWriter(64).Write(MessageNumber.UserauthRequest).WriteString(sent).WriteString("ssh-connection").WriteString("none").ToArray();

        var request = UserAuthRequest.Parse(payload);

        Assert.Equal(user, request.User);
        Assert.Equal(sent, request.WireUser);
    }
}
