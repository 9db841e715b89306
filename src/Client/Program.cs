using SENet.Client;

using var signals = new TerminationSignals(Console.Error);
return await SenetCommandLine.InvokeAsync(args, Console.Out, Console.Error, signals.Token);
