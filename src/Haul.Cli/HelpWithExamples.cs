using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Haul.Cli;

/// <summary>The standard help, then a few examples of the command asked about.</summary>
internal sealed class HelpWithExamples(HelpAction standard) : SynchronousCommandLineAction
{
    private static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["haul"] =
        [
            "haul https://example.org/a.jpg                       # same as 'haul get URL'",
            "haul get -i urls.txt -d out -j 64 --json > results.jsonl",
            "haul crawl https://example.org/gallery/ -d pictures --depth 2",
            "haul list -d out --failed",
            "haul config                                          # the effective settings",
            "haul demo                                            # an offline run against an embedded site",
        ],
        ["get"] =
        [
            "haul get https://example.org/a.jpg https://example.org/b.jpg -d pictures",
            "haul get -i urls.txt -d out -j 64 --max-per-host 8 --json > results.jsonl",
            "generate-urls | haul get -i - -d out",
            "haul get https://example.org/big.iso -o big.iso --checksum sha-256=9f86d081…",
            "haul get -i urls.txt --header 'Accept-Language: en' --referer https://example.org/",
            "haul get -i urls.txt --load-cookies cookies.txt --save-cookies cookies.txt",
            "haul get https://intranet.example/file --http-user me --http-password secret",
            "haul get -i urls.txt --proxy socks5://127.0.0.1:1080 --no-proxy localhost,.internal",
            "haul get -c -t 3 -T 30 -P downloads https://example.org/big.iso          # wget spellings",
            "haul get -i urls.txt --max-filesize 100M --max-download-limit 500K --dry-run",
            "haul get https://example.org/x.bin -o sub/x.bin --allow-overwrite",
        ],
        ["crawl"] =
        [
            "haul crawl https://example.org/gallery/ -d pictures",
            "haul crawl https://example.org/gallery/ --depth 2 --accept jpg,png,webp --min-size 10K --delay 500",
            "haul crawl https://example.org/gallery/ --select 'a.full@href' --layout flat --json > manifest.jsonl",
            "haul crawl https://example.org/gallery/ --referer '*' --load-cookies cookies.txt",
        ],
        ["list"] =
        [
            "haul list -d out",
            "haul list -d out --failed --json",
        ],
        ["config"] =
        [
            "haul config",
            "haul config --config ./haul.conf",
        ],
        ["completion"] =
        [
            "haul completion bash > ~/.local/share/bash-completion/completions/haul",
            "haul completion zsh > \"${fpath[1]}/_haul\"",
            "haul completion fish > ~/.config/fish/completions/haul.fish",
        ],
        ["demo"] =
        [
            "haul demo",
            "haul demo -d demo-out --progress plain",
        ],
    };

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = standard.Invoke(parseResult);
        var command = parseResult.CommandResult.Command;
        var name = command is RootCommand ? "haul" : command.Name;
        if (Examples.TryGetValue(name, out var examples))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in examples)
            {
                output.WriteLine($"  {example}");
            }

            output.WriteLine();
        }

        return exitCode;
    }
}
