/// The names editors and tools give the files they write before renaming them over the real
/// one, or beside it: changes to these are not changes to posts.
public enum EditorTemporaryFiles {
    /// Whether `name` (a file name, no folder) looks like an editor's temporary or backup file:
    /// hidden files (`.post.md.swp`, `.#post.md`, `.goutputstream-…`), backups (`post.md~`),
    /// Emacs auto-saves (`#post.md#`), Vim's write test (`4913`), and `.tmp`, `.swp`, `.swx`,
    /// `.part` and `.crdownload` endings.
    public static func contains(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") || name == "4913" { return true }
        if name.hasPrefix("#") && name.hasSuffix("#") { return true }
        for ending in [".tmp", ".swp", ".swx", ".part", ".crdownload"] where name.hasSuffix(ending) { return true }
        return false
    }
}
