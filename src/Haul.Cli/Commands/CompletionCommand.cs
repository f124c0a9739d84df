using System.CommandLine;

namespace Haul.Cli.Commands;

/// <summary>
/// <c>haul completion bash|zsh|fish</c>: a completion script for the shell. Each script asks
/// haul itself (System.CommandLine's <c>[suggest]</c> directive) what may come next, so it stays
/// right as flags change.
/// </summary>
internal static class CompletionCommand
{
    public static Command Create(CliIo io)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completion", "Print a shell completion script: eval it, or save it where your shell loads completions.") { shell };
        command.SetAction(async (parseResult, _) =>
        {
            await io.Out.WriteAsync(Script(parseResult.GetValue(shell)!));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Script(string shell) => shell switch
    {
        "bash" => """
            # haul completion for bash: eval "$(haul completion bash)"
            _haul_complete() {
                local IFS=$'\n'
                local suggestions
                suggestions=$(haul "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
                COMPREPLY=($(compgen -W "${suggestions}" -- "${COMP_WORDS[COMP_CWORD]}"))
            }
            complete -o default -F _haul_complete haul

            """,
        "zsh" => """
            #compdef haul
            # haul completion for zsh: eval "$(haul completion zsh)", or save as _haul in your $fpath
            _haul() {
                local -a suggestions
                local line="${BUFFER}"
                suggestions=("${(@f)$(haul "[suggest:${CURSOR}]" "${line}" 2>/dev/null)}")
                _describe 'haul' suggestions
            }
            if (( $+functions[compdef] )); then compdef _haul haul; fi

            """,
        _ => """
            # haul completion for fish: haul completion fish > ~/.config/fish/completions/haul.fish
            function __haul_complete
                set -l line (commandline -cp)
                haul "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
            end
            complete -c haul -f -a '(__haul_complete)'

            """,
    };
}
