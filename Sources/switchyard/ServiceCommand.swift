import ArgumentParser
import Foundation

/// Service subcommands. Until a service's issue lands, its command states that plainly and
/// exits with status 2.
enum ServiceCommand {
    static func notBuilt(_ name: String, issue: String) throws -> Never {
        printError("switchyard \(name): this service is not built yet (\(issue)). Nothing was started.")
        throw ExitCode(2)
    }

    struct Gateway: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "gateway",
            abstract: "API Gateway: the public HTTP entry (tasks, status, results, notifications, OpenAPI).")
        func run() throws { try ServiceCommand.notBuilt("gateway", issue: "needs the HTTP server and the service issues") }
    }
    struct StorageGateway: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "storage-gateway",
            abstract: "Storage Gateway: presigned S3 URLs for upload and download.")
        func run() throws { try ServiceCommand.notBuilt("storage-gateway", issue: "needs the HTTP server; SigV4 presigning exists") }
    }
    struct StorageNotification: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "storage-notification",
            abstract: "Storage Notification: S3 object-created events to Kafka topic upload_files.")
        func run() throws { try ServiceCommand.notBuilt("storage-notification", issue: "needs the HTTP server and the Kafka producer") }
    }
    struct TaskManager: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "task-manager",
            abstract: "Task Manager: task state in MongoDB; consumes upload_files and task_result, publishes tasks.")
        func run() throws { try ServiceCommand.notBuilt("task-manager", issue: "needs the MongoDB and Kafka clients") }
    }
    struct Dispatcher: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dispatcher",
            abstract: "Task Dispatcher: routes tasks to live handlers found in Redis.")
        func run() throws { try ServiceCommand.notBuilt("dispatcher", issue: "needs the Kafka and Redis clients") }
    }
    struct HandlerManager: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "handler-manager",
            abstract: "Handler Manager: handler registry and input schemas in MongoDB, input validation.")
        func run() throws { try ServiceCommand.notBuilt("handler-manager", issue: "needs the MongoDB client and the HTTP server") }
    }
    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "all",
            abstract: "All six services in one process.")
        func run() throws { try ServiceCommand.notBuilt("all", issue: "none of the six services is built yet") }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
