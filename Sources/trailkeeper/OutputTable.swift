import Foundation

/// Plain aligned columns for people.
enum Table {
    static func print(header: [String], rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        for row in all {
            let line = row.enumerated().map { i, cell in
                cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
            Swift.print(line.trimmingCharacters(in: .whitespaces))
        }
    }
}

/// RFC 4180 records: fields with a comma, quote or line break are quoted (quotes doubled); NULL is an empty
/// field and an empty string is `""`.
enum CSV {
    static func line(_ cells: [String?]) -> String {
        cells.map { cell -> String in
            guard let cell else { return "" }
            if cell.isEmpty { return "\"\"" }
            if cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
                return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return cell
        }.joined(separator: ",")
    }
}
