/// What Herald says about itself: in feeds' `generator` fields and in `herald --version`.
/// The version is written here only.
public enum HeraldInfo {
    public static let version = "0.1.0"
    public static let uri = "https://github.com/herald-feeds/herald"
}
