namespace SENet.Contracts.Jobs;

/// <summary>
/// The values of one command-line option and their names: the CLI parses a name once, at its edge; reports and
/// reproducibility records write the name back; everything between holds the value.
/// </summary>
/// <typeparam name="T">The setting's type.</typeparam>
public sealed class OptionChoices<T>
    where T : struct, Enum
{
    private readonly (string Name, T Value)[] _choices;

    public OptionChoices(string option, params (string Name, T Value)[] choices)
    {
        if (choices.Select(c => c.Value).Distinct().Count() != Enum.GetValues<T>().Length)
        {
            throw new ArgumentException($"{option} must name every {typeof(T).Name} once.", nameof(choices));
        }

        Option = option;
        _choices = choices;
        Names = [.. choices.Select(c => c.Name)];
    }

    /// <summary>The option's name, as errors name it (<c>--label-format</c>).</summary>
    public string Option { get; }

    /// <summary>Every accepted name, in the order help lists them.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool TryParse(string? name, out T value)
    {
        foreach (var choice in _choices)
        {
            if (string.Equals(choice.Name, name, StringComparison.Ordinal))
            {
                value = choice.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value of <paramref name="name"/>; an unknown name is refused naming the option and the names it takes.</summary>
    public T Parse(string name) => TryParse(name, out var value) ? value : throw new ArgumentException(Problem(name));

    /// <summary>The name of <paramref name="value"/>; a value outside the type (a client may send any number) is refused naming the option.</summary>
    public string NameOf(T value)
    {
        foreach (var choice in _choices)
        {
            if (EqualityComparer<T>.Default.Equals(choice.Value, value))
            {
                return choice.Name;
            }
        }

        throw new ArgumentException(Problem(value.ToString()));
    }

    public bool IsDefined(T value) => Enum.IsDefined(value);

    /// <summary>What the CLI says of a value this option does not take.</summary>
    public string Problem(string value) => $"{Option} {value} cannot work: it must be one of {string.Join(", ", Names)}.";
}
