using System.Text;

namespace Haul.Http;

/// <summary>
/// A <c>.netrc</c> file as curl and wget read it: <c>machine HOST login USER password PASS</c>
/// entries (tokens split by any white space, double quotes allowed), a <c>default</c> entry for
/// every other host, and <c>macdef</c> macros skipped up to the next blank line.
/// </summary>
internal sealed class Netrc
{
    private readonly List<(string? Machine, NetworkLogin Login)> _entries;

    private Netrc(List<(string? Machine, NetworkLogin Login)> entries) => _entries = entries;

    /// <summary>Where curl and wget look: <c>$NETRC</c> is not a convention they share, so only the home folder.</summary>
    public static string DefaultPath(string? home) =>
        Path.Combine(home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".netrc");

    public static Netrc Parse(string text)
    {
        var entries = new List<(string? Machine, NetworkLogin Login)>();
        string? machine = null;
        var inEntry = false;
        string? login = null, password = null;

        void Finish()
        {
            if (inEntry && (login is not null || password is not null))
            {
                entries.Add((machine, new NetworkLogin(login ?? string.Empty, password ?? string.Empty)));
            }

            inEntry = false;
            machine = login = password = null;
        }

        var tokens = new Tokenizer(text);
        while (tokens.Next() is { } token)
        {
            switch (token)
            {
                case "machine":
                    Finish();
                    machine = tokens.Next()?.ToLowerInvariant();
                    inEntry = machine is not null;
                    break;
                case "default":
                    Finish();
                    inEntry = true;
                    break;
                case "login":
                    login = tokens.Next();
                    break;
                case "password":
                    password = tokens.Next();
                    break;
                case "account":
                    tokens.Next();
                    break;
                case "macdef":
                    Finish();
                    tokens.SkipMacro();
                    break;
            }
        }

        Finish();
        return new Netrc(entries);
    }

    /// <summary>The login for <paramref name="host"/>: its own <c>machine</c> entry, else the <c>default</c> one.</summary>
    public NetworkLogin? Find(string host)
    {
        host = host.ToLowerInvariant();
        foreach (var (machine, login) in _entries)
        {
            if (machine == host)
            {
                return login;
            }
        }

        return _entries.FirstOrDefault(entry => entry.Machine is null).Login;
    }

    private sealed class Tokenizer(string text)
    {
        private int _position;

        public string? Next()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }

            if (_position >= text.Length)
            {
                return null;
            }

            if (text[_position] == '#')
            {
                // A comment runs to the end of its line.
                while (_position < text.Length && text[_position] != '\n')
                {
                    _position++;
                }

                return Next();
            }

            var token = new StringBuilder();
            if (text[_position] == '"')
            {
                _position++;
                while (_position < text.Length && text[_position] != '"')
                {
                    if (text[_position] == '\\' && _position + 1 < text.Length)
                    {
                        _position++;
                        token.Append(text[_position] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var c => c });
                    }
                    else
                    {
                        token.Append(text[_position]);
                    }

                    _position++;
                }

                _position++;
                return token.ToString();
            }

            while (_position < text.Length && !char.IsWhiteSpace(text[_position]))
            {
                token.Append(text[_position++]);
            }

            return token.ToString();
        }

        /// <summary>A macro's name, then its body up to the first empty line.</summary>
        public void SkipMacro()
        {
            Next();
            var end = text.IndexOf("\n\n", _position, StringComparison.Ordinal);
            var endCrLf = text.IndexOf("\r\n\r\n", _position, StringComparison.Ordinal);
            _position = (end, endCrLf) switch
            {
                (< 0, < 0) => text.Length,
                (< 0, var crlf) => crlf,
                (var lf, < 0) => lf,
                (var lf, var crlf) => Math.Min(lf, crlf),
            };
        }
    }
}
