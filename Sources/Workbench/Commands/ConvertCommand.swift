import ArgumentParser
import Foundation
import Model

/// `rec convert IN OUT`: a `.rec` script to a Jupyter notebook (`.ipynb`) or back, the way
/// chosen by the file names. An instructor's step script opens in Jupyter with the `rec`
/// kernel; a notebook replays with `rec run`.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a .rec script to a Jupyter notebook (.ipynb) or a notebook to a script.",
        discussion: """
        Script to notebook: cells at `# %%` lines (`# %% [markdown]` for text) when there are any, \
        else at blank lines between statements; a group of comment lines only becomes a Markdown cell. \
        Notebook to script: Markdown cells become comment lines; outputs are left out.
        """
    )

    @Argument(help: "The file to read (.rec or .ipynb).")
    var input: String

    @Argument(help: "The file to write (.ipynb or .rec).")
    var output: String

    @Flag(help: "Replace OUT when it exists (without it an existing file is left alone: a script or a notebook's outputs would be lost).")
    var overwrite = false

    func validate() throws {
        let (from, to) = ((input as NSString).pathExtension.lowercased(), (output as NSString).pathExtension.lowercased())
        guard (from == "rec" && to == "ipynb") || (from == "ipynb" && to == "rec") else {
            throw ValidationError("rec convert goes from .rec to .ipynb or from .ipynb to .rec (got .\(from) to .\(to))")
        }
    }

    func run() throws {
        // Checked before reading: arguments given the wrong way round must not cost a notebook.
        if !overwrite && FileManager.default.fileExists(atPath: output) {
            throw CommandError("\(output) exists: rec convert does not replace it (pass --overwrite to, or choose another name)")
        }
        let written: Data
        if (input as NSString).pathExtension.lowercased() == "rec" {
            // Read as `run` and `check` read a script (a binary file is refused, not converted).
            let script: String
            do { script = try ScriptFile.read(input) } catch let e as ScriptFile.Failure { throw CommandError("\(input): \(e.reason)") }
            let cells = ScriptCells.cells(fromScript: script)
            written = NotebookFile.json(cells).encoded(pretty: true) + Data("\n".utf8)
        } else {
            guard let data = FileManager.default.contents(atPath: input) else { throw CommandError("\(input): cannot read the file") }
            guard let notebook = JSON.parse(data) else { throw CommandError("\(input): not JSON, so not a notebook") }
            written = Data(ScriptCells.script(from: try NotebookFile.cells(notebook, path: input)).utf8)
        }
        do {
            try AtomicFile.write(Array(written), to: output)
        } catch let error as DataError {
            throw CommandError("\(output): \(error.message)")
        } catch {
            throw CommandError("\(output): cannot write: \(error.localizedDescription)")
        }
    }
}
