import Testing
import SluiceManifest

/// The rules of `spec.dataset.query`: one statement, with an ORDER BY outside quotes and comments.
@Suite struct DatasetQueryTests {
    @Test(arguments: [
        "SELECT * FROM t ORDER BY id",
        "select a, b from t order\n  by a, b;",
        "SELECT * FROM t ORDER BY id;  ;\n",
        "SELECT 'a;b' AS x, \"odd;name\" FROM t ORDER BY 1 -- a comment; with a semicolon",
    ])
    func acceptedQueries(_ query: String) {
        #expect(DatasetQuery.problem(query) == nil)
    }

    @Test(arguments: [
        ("SELECT * FROM t", "has no ORDER BY"),
        ("SELECT * FROM t -- ORDER BY id", "has no ORDER BY"),
        ("SELECT * FROM t /* ORDER BY id */", "has no ORDER BY"),
        ("SELECT 'ORDER BY' FROM t", "has no ORDER BY"),
        ("SELECT * FROM t WHERE reorder_by = 1", "has no ORDER BY"),
        ("SELECT * FROM t ORDER BY id; DROP TABLE t", "more than one statement"),
    ])
    func refusedQueries(_ query: String, _ problem: String) {
        #expect(DatasetQuery.problem(query)?.contains(problem) == true, "\(query)")
    }

    @Test(arguments: [
        ("SELECT * FROM t ORDER BY id", "SELECT * FROM t ORDER BY id"),
        ("SELECT * FROM t ORDER BY id;\n", "SELECT * FROM t ORDER BY id"),
        ("SELECT * FROM t ORDER BY id -- newest last", "SELECT * FROM t ORDER BY id"),
        ("SELECT * FROM t ORDER BY id; /* done */ ;", "SELECT * FROM t ORDER BY id"),
        ("SELECT * FROM t WHERE a = ';' ORDER BY b = ' ;'", "SELECT * FROM t WHERE a = ';' ORDER BY b = ' ;'"),
    ])
    func theStatementWithoutWhatEndsIt(_ query: String, _ statement: String) {
        #expect(DatasetQuery.statement(query) == statement)
    }
}
