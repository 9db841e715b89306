using SENet.Client;

return await SenetCommandLine.InvokeAsync(args, Console.Out, Console.Error);
