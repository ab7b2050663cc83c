/// The words kept for modelling, with their corpus counts and document frequencies. Ids run
/// from the most frequent word down (ties alphabetical), so the same corpus gives the same ids.
public struct Vocabulary: Sendable {
    public let words: [String]
    public let counts: [Int]
    public let documentFrequencies: [Int]
    public let documents: Int
    private let index: [String: Int32]

    /// Words occurring at least `minCount` times, in at most `maxDocumentFrequency` of the
    /// documents (a fraction), keeping the `maxSize` most frequent.
    public init(documents: [[String]], minCount: Int = 1, maxDocumentFrequency: Double = 1,
                maxSize: Int? = nil) throws {
        guard minCount >= 1 else { throw ModelError("vocabulary", "the minimum count must be at least 1, got \(minCount)") }
        guard maxDocumentFrequency > 0 && maxDocumentFrequency <= 1 else {
            throw ModelError("vocabulary", "the maximum document frequency must be in (0, 1], got \(maxDocumentFrequency)")
        }
        if let maxSize, maxSize < 1 { throw ModelError("vocabulary", "the maximum size must be at least 1, got \(maxSize)") }
        var count = [String: Int](), df = [String: Int]()
        for doc in documents {
            for w in doc { count[w, default: 0] += 1 }
            for w in Set(doc) { df[w, default: 0] += 1 }
        }
        let limit = maxDocumentFrequency * Double(documents.count)
        var kept = count.filter { $0.value >= minCount && Double(df[$0.key]!) <= limit }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        if let maxSize, kept.count > maxSize { kept = Array(kept.prefix(maxSize)) }
        words = kept.map(\.key)
        counts = kept.map(\.value)
        documentFrequencies = kept.map { df[$0.key]! }
        self.documents = documents.count
        var idx = [String: Int32]()
        for (i, w) in words.enumerated() { idx[w] = Int32(i) }
        index = idx
    }

    /// A vocabulary as saved: distinct words with their counts and document frequencies.
    public init(words: [String], counts: [Int], documentFrequencies: [Int], documents: Int) throws {
        guard counts.count == words.count, documentFrequencies.count == words.count, documents >= 0 else {
            throw ModelError("vocabulary", "\(words.count) words need as many counts and document frequencies, got \(counts.count) and \(documentFrequencies.count)")
        }
        guard counts.allSatisfy({ $0 >= 1 }), documentFrequencies.allSatisfy({ $0 >= 0 }) else {
            throw ModelError("vocabulary", "word counts must be at least 1")
        }
        var idx = [String: Int32]()
        for (i, w) in words.enumerated() {
            guard idx.updateValue(Int32(i), forKey: w) == nil else { throw ModelError("vocabulary", "the word \"\(w)\" appears twice") }
        }
        self.words = words
        self.counts = counts
        self.documentFrequencies = documentFrequencies
        self.documents = documents
        index = idx
    }

    public var count: Int { words.count }

    public func id(_ word: String) -> Int32? { index[word] }

    /// A document as word ids; words outside the vocabulary are dropped. `maxLength` truncates.
    public func encode(_ tokens: [String], maxLength: Int? = nil) -> [Int32] {
        var ids = tokens.compactMap { index[$0] }
        if let maxLength, ids.count > maxLength { ids.removeLast(ids.count - maxLength) }
        return ids
    }
}

extension Vocabulary: CustomStringConvertible {
    public var description: String {
        let top = words.prefix(8).joined(separator: ", ")
        return "Vocabulary(\(count) words from \(documents) documents: \(top)\(count > 8 ? ", …" : ""))"
    }
}
