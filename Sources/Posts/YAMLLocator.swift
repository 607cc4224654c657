/// Turns positions in a front matter's YAML, as libyaml counts them, into file positions.
struct YAMLLocator {
    /// The file line of the YAML's first line.
    let firstLine: Int
    let scan: FrontMatterScan

    /// The 1-based file line and column of `position`.
    func filePosition(_ position: YAMLPosition) -> (line: Int, column: Int) {
        let inYAML = scan.filePosition(yamlLine: position.line, yamlColumn: position.column)
        return (inYAML.line + firstLine - 1, max(inYAML.column, 1))
    }
}
