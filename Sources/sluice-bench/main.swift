// sluice-bench: the web UI's benchmark (bench/ui/run.py). The engine's is sluice-engine-bench
// (bench/engine.py), which does not build the server and UI stack.
//
//   sluice-bench ui --models N [--big-versions V] [--runs K] [--store FILE]   (the web UI's pages, UIBench.swift)
import Foundation

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sluice-bench: \(message)\n".utf8))
    exit(2)
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.first == "ui" else { fail("usage: sluice-bench ui --models N [--big-versions V] [--runs K] [--store FILE] (the engine's benchmark is sluice-engine-bench)") }
UIBench.run(Array(args.dropFirst()))
