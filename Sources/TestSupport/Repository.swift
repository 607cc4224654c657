import Foundation

/// Paths of the checkout the tests run from, and of the binaries it built.
public enum Repository {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The `herald` executable built next to the test bundle.
    public static let heraldBinary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
            root.appendingPathComponent(".build/debug"),
        ]
        for folder in candidates {
            for sub in ["herald", "../herald"] {
                let path = folder.appendingPathComponent(sub).standardizedFileURL.path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        fatalError("the herald binary was not found next to the tests; run `swift build` first")
    }()

    /// Debian's Python, which has python3-feedparser (not a pyenv shim without it).
    public static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// A file of `Tests/Scripts`.
    public static func script(_ name: String) -> String {
        root.appendingPathComponent("Tests/Scripts").appendingPathComponent(name).path
    }
}
