import ArgumentParser
import Foundation
import Lang
import Model

/// `rec kernel -f CONNECTION_FILE`: the Jupyter kernel (what the kernelspec starts).
/// `rec kernel install`: writes that kernelspec.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "The Jupyter kernel: `rec kernel install --user`, then pick \"rec\" in Jupyter.",
        discussion: "Jupyter starts `rec kernel -f CONNECTION_FILE` itself; the kernel speaks the Jupyter messaging protocol 5.3 over ZeroMQ.",
        subcommands: [KernelInstallCommand.self]
    )

    @Option(name: .customShort("f"), help: "The connection file Jupyter wrote (ports and signing key).")
    var connectionFile: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        // Not in validate(): ArgumentParser validates this command for `rec kernel install` too.
        guard let connectionFile else {
            printError("error: rec kernel needs -f CONNECTION_FILE (Jupyter passes it; `rec kernel install --user` writes the kernelspec)")
            throw ExitCode.validationFailure
        }
        let info = try ConnectionInfo.read(connectionFile)
        let session = Session(seed: common.seed, dataDirectory: common.dataDirectory)
        session.threads = BLAS.setThreads(common.threads)
        try KernelServer(info, session: session).serve()
    }
}

/// `rec kernel install [--user | --prefix DIR]`: the kernelspec `rec`, whose argv is this
/// very binary, so a notebook runs the rec it was installed from.
struct KernelInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write the kernelspec `rec` for Jupyter (system-wide unless --user or --prefix)."
    )

    @Flag(help: "Install for this user (Jupyter's user data directory).")
    var user = false

    @Option(help: "Install under PREFIX/share/jupyter/kernels (e.g. a virtual environment).")
    var prefix: String?

    /// --data, --seed and --threads go into the kernelspec's argv.
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if user && prefix != nil { throw ValidationError("--user and --prefix exclude each other") }
    }

    func run() throws {
        let dir = (KernelSpec.kernelsDirectory(user: user, prefix: prefix) as NSString).appendingPathComponent("rec")
        var options: [String] = []
        if let data = common.data { options += ["--data", KernelSpec.absolute(data)] }
        if common.seed != 42 { options += ["--seed", "\(common.seed)"] }
        if common.threads != 1 { options += ["--threads", "\(common.threads)"] }
        let spec = KernelSpec.json(executable: KernelSpec.executablePath(), options: options)
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try (spec.encoded(pretty: true) + Data("\n".utf8)).write(to: URL(fileURLWithPath: dir + "/kernel.json"), options: .atomic)
        } catch {
            throw CommandError("cannot write the kernelspec in \(dir): \(error.localizedDescription)")
        }
        print("installed the kernelspec rec in \(dir)")
    }
}

enum KernelSpec {
    static func json(executable: String, options: [String]) -> JSON {
        let argv = [executable, "kernel", "-f", "{connection_file}"] + options
        return ["argv": .array(argv.map { .string($0) }), "display_name": "rec", "language": "rec",
                "interrupt_mode": "message", "metadata": [:]]
    }

    /// Where Jupyter looks for kernelspecs: PREFIX/share/jupyter/kernels, the user's data
    /// directory ($JUPYTER_DATA_DIR, else the XDG one), or the system's.
    static func kernelsDirectory(user: Bool, prefix: String?) -> String {
        let env = ProcessInfo.processInfo.environment
        if let prefix { return absolute(prefix) + "/share/jupyter/kernels" }
        guard user else { return "/usr/local/share/jupyter/kernels" }
        if let d = env["JUPYTER_DATA_DIR"], !d.isEmpty { return absolute(d) + "/kernels" }
        #if os(macOS)
        return NSHomeDirectory() + "/Library/Jupyter/kernels"
        #else
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.local/share"
        return base + "/jupyter/kernels"
        #endif
    }

    /// This binary's absolute path (Jupyter starts the kernel from the notebook's directory).
    static func executablePath() -> String {
        if let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return real }
        return absolute(Bundle.main.executablePath ?? CommandLine.arguments[0])
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
