import ArgumentParser
import Foundation
import WireTrace

/// `--trace` and `--pcap FILE`, shared by every wire subcommand that opens connections.
struct WireTraceOptions: ParsableArguments {
    @Flag(help: "Print each frame sent and received as an annotated hex dump (on standard error).")
    var trace = false

    @Option(help: ArgumentHelp("With --trace, print only frames whose summary contains TEXT (e.g. Produce).", valueName: "TEXT"))
    var traceOnly: String?

    @Option(help: ArgumentHelp("Write the conversation to FILE as a pcap (synthesised TCP/IP framing, the server on the protocol's well-known port) for Wireshark/tshark.", valueName: "FILE"))
    var pcap: String?

    /// Runs `body` with its connections traced as asked; the pcap is written even if `body` fails.
    func run<T: Sendable>(_ protocolKind: TraceProtocol, _ body: @Sendable () async throws -> T) async throws -> T {
        guard trace || pcap != nil else { return try await body() }
        let printFrames = trace
        let only = traceOnly
        let tracer = WireTracer(protocol: protocolKind, recordPcap: pcap != nil) { connection, frame in
            guard printFrames else { return }
            if let only, !frame.summary.contains(only) { return }
            var text = AnnotatedDump.render(frame)
            text = "[connection \(connection)] " + text
            FileHandle.standardError.write(Data(text.utf8))
        }
        do {
            let result = try await tracer.run(body)
            try writePcap(tracer)
            return result
        } catch {
            try? writePcap(tracer)
            throw error
        }
    }

    private func writePcap(_ tracer: WireTracer) throws {
        guard let pcap, let bytes = tracer.capture?.bytes else { return }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: pcap))
        } catch {
            throw WireCommandError("cannot write the pcap to \(pcap): \(error)")
        }
    }
}
