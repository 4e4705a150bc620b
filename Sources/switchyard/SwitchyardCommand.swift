import ArgumentParser

/// The one executable. Each service has a subcommand; `all` runs the six in one process.
/// Services that are not built yet say so and exit non-zero: they never pretend to run.
@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Switchyard: an asynchronous task platform on a wire-protocol stack written in Swift.",
        subcommands: [
            ServiceCommand.Gateway.self,
            ServiceCommand.StorageGateway.self,
            ServiceCommand.StorageNotification.self,
            ServiceCommand.TaskManager.self,
            ServiceCommand.Dispatcher.self,
            ServiceCommand.HandlerManager.self,
            ServiceCommand.All.self,
            Demo.self,
            WireCommand.self,
        ])
}

