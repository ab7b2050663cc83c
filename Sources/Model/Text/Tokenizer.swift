/// Splits text into lower-case word tokens: runs of Unicode letters and digits. A possessive
/// `'s` (or `’s`) is split off as its own token, as GloVe's vocabulary has it ("boy's" →
/// "boy", "'s"); other apostrophes and punctuation separate tokens. Stop words are dropped
/// when asked.
public struct Tokenizer: Sendable {
    public var removeStopWords: Bool
    public var keepPossessive: Bool

    public init(removeStopWords: Bool = false, keepPossessive: Bool = true) {
        self.removeStopWords = removeStopWords
        self.keepPossessive = keepPossessive
    }

    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var word = String.UnicodeScalarView()
        let scalars = Array(text.lowercased().unicodeScalars)
        func flush() {
            if !word.isEmpty {
                let w = String(word)
                if !(removeStopWords && Tokenizer.stopWords.contains(w)) { out.append(w) }
                word.removeAll()
            }
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if Tokenizer.isWordCharacter(c) {
                word.append(c)
            } else if (c == "'" || c == "\u{2019}") && !word.isEmpty && i + 1 < scalars.count && scalars[i + 1] == "s"
                        && (i + 2 == scalars.count || !Tokenizer.isWordCharacter(scalars[i + 2])) {
                flush()
                if keepPossessive && !removeStopWords { out.append("'s") }
                i += 1  // skip the s
            } else {
                flush()
            }
            i += 1
        }
        flush()
        return out
    }

    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType == .decimal
    }

    /// A common English stop list (articles, pronouns, auxiliaries, prepositions, conjunctions).
    public static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
        "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
        "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in",
        "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not",
        "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
        "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
        "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
        "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
        "with", "would", "you", "your", "yours", "yourself", "yourselves", "s", "t",
    ]
}
