namespace Haul.Tests.Layout;

public sealed class NamespaceCycleTests
{
    [Fact]
    public void Namespaces_LibraryAndCli_FormNoCycle()
    {
        var edges = NamespaceEdges();

        var cycles = StronglyConnected(edges).Where(component => component.Count > 1).ToList();

        cycles.ShouldBeEmpty(string.Join(
            "\n",
            cycles.Select(component => $"cycle: {string.Join(" ↔ ", component.Order(StringComparer.Ordinal))}\n" + string.Join(
                "\n",
                edges.Where(edge => component.Contains(edge.Key.From) && component.Contains(edge.Key.To))
                    .Select(edge => $"  {edge.Key.From} → {edge.Key.To}: {string.Join(", ", edge.Value.Take(4))}")))));
    }

    [Fact]
    public void StronglyConnected_TwoNamespacesReferringToEachOther_FoundAsOneCycle()
    {
        // The detector itself: a cycle it cannot see would make the test above pass for nothing.
        var edges = new Dictionary<(string From, string To), List<string>>
        {
            [("A", "B")] = ["a"],
            [("B", "C")] = ["b"],
            [("C", "A")] = ["c"],
            [("C", "D")] = ["d"],
        };

        var cycles = StronglyConnected(edges).Where(component => component.Count > 1).ToList();

        cycles.Count.ShouldBe(1);
        cycles[0].Order(StringComparer.Ordinal).ShouldBe(["A", "B", "C"]);
    }

    [Fact]
    public void Read_CliAssembly_SeesReferencesMadeOnlyInMethodBodies()
    {
        // HaulCli's Main body builds the commands: that reference lives only in IL.
        var references = TypeReferences.Read(typeof(Haul.Cli.HaulCli).Assembly.Location);

        references.ShouldContain(reference => reference.From.Namespace == "Haul.Cli" && reference.To.Namespace == "Haul.Cli.Commands");
    }

    /// <summary>
    /// Namespace to namespace, within Haul.Core and haul, with the type pairs behind each edge.
    /// Each assembly's root namespace is left out: <c>Haul</c> holds both the public façade
    /// (<c>Downloader</c>) and the public records every stage speaks (<c>DownloadRequest</c>,
    /// <c>DownloadOptions</c>, <c>DownloadResult</c>), and <c>Haul.Cli</c> both the entry point and
    /// the process-wide console and exit-code types; moving either half would break the public API
    /// or every command for no gain. The feature namespaces below them must form no cycle.
    /// </summary>
    private static Dictionary<(string From, string To), List<string>> NamespaceEdges()
    {
        var edges = new Dictionary<(string From, string To), List<string>>();
        foreach (var path in new[] { typeof(Downloader).Assembly.Location, typeof(Haul.Cli.HaulCli).Assembly.Location })
        {
            foreach (var reference in TypeReferences.Read(path))
            {
                if (reference.To.External is not (null or "Haul.Core" or "haul")
                    || reference.From.Namespace == reference.To.Namespace
                    || !reference.To.Namespace.StartsWith("Haul.", StringComparison.Ordinal)
                    || reference.From.Namespace is "Haul" or "Haul.Cli"
                    || reference.To.Namespace is "Haul.Cli")
                {
                    continue;
                }

                var key = (reference.From.Namespace, reference.To.Namespace);
                if (!edges.TryGetValue(key, out var pairs))
                {
                    edges[key] = pairs = [];
                }

                pairs.Add($"{reference.From.Name}→{reference.To.Name}");
            }
        }

        return edges;
    }

    /// <summary>Tarjan's strongly connected components of the namespace graph.</summary>
    private static List<HashSet<string>> StronglyConnected(Dictionary<(string From, string To), List<string>> edges)
    {
        var next = edges.Keys.GroupBy(edge => edge.From).ToDictionary(group => group.Key, group => group.Select(edge => edge.To).ToList());
        var nodes = edges.Keys.SelectMany(edge => new[] { edge.From, edge.To }).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<HashSet<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var to in next.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(to))
                {
                    Visit(to);
                    low[node] = Math.Min(low[node], low[to]);
                }
                else if (onStack.Contains(to))
                {
                    low[node] = Math.Min(low[node], index[to]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new HashSet<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in nodes.Where(node => !index.ContainsKey(node)))
        {
            Visit(node);
        }

        return components;
    }
}
