import Foundation
import Herald

/// The one-line account of a build that `herald build` prints last.
struct BuildSummary {
    let result: SiteBuilder.Result
    let feedsFolder: String

    var line: String {
        let report = result.report
        let rejected = result.snapshot.diagnostics.filter { $0.severity == .error }.count
        var parts = ["\(Self.count(result.publishedCount, "post")) published"]
        if result.draftCount > 0 { parts.append("\(Self.count(result.draftCount, "draft")) skipped") }
        if result.scheduledCount > 0 { parts.append("\(result.scheduledCount) scheduled for later") }
        if rejected > 0 { parts.append("\(Self.count(rejected, "error")) (see above)") }
        let files = "\(report.written.count) written, \(report.unchanged.count) unchanged, \(report.removed.count) removed"
        let time = String(format: "%.2f s", result.duration)
        return "\(feedsFolder)/: \(Self.count(result.fileCount, "feed file")) (\(files)); \(parts.joined(separator: ", ")); \(time)"
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
