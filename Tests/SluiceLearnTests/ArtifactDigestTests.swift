import Testing
import SluiceCore
@testable import SluiceLearn

/// Pins the SHA-256 of the artifact every algorithm trains, for every task it supports, with its
/// defaults and with explicit parameters: the guard that a refactoring of the catalog, the trainer
/// or an estimator changes no trained bit (determinism and version identity depend on it, and the
/// recorded `params` are part of the bytes).
@Suite struct ArtifactDigestTests {
    /// One training run: an algorithm, a data set and the parameters the manifest writes.
    struct Run: Sendable, CustomTestStringConvertible {
        var algorithm: String
        var data: Data
        var params: [String: JSON]
        /// The run's name in ``pinned``.
        var name: String
        var testDescription: String { name }

        enum Data: String, Sendable {
            /// Iris: three classes (softmax boosting, multinomial logistic regression).
            case multiclass
            /// Breast cancer, target 0/1: two classes (sigmoid boosting, binary logistic regression).
            case binary
            /// ``Fixtures/regressionFrame(rows:)``: numbers and a text column.
            case regression
        }
    }

    /// Explicit parameter sets, each changing every parameter the algorithm has (but the ones that
    /// would only repeat another set), by task where a value is task-specific.
    static func explicit(_ algorithm: String, regression: Bool) -> [[String: JSON]] {
        switch algorithm {
        case "decision_tree":
            return [["criterion": regression ? "squared_error" : "entropy", "maxDepth": 4, "minSamplesSplit": 4, "minSamplesLeaf": 2,
                     "maxFeatures": "sqrt", "maxBins": 32, "seed": 7]]
        case "random_forest":
            return [["nEstimators": 10, "criterion": regression ? "squared_error" : "log_loss", "maxDepth": 5, "maxFeatures": 0.5,
                     "bootstrap": false, "seed": 3],
                    ["nEstimators": 7, "maxFeatures": .null, "minSamplesLeaf": 3, "maxBins": 16, "seed": 1]]
        case "extra_trees":
            return [["nEstimators": 10, "bootstrap": true, "maxFeatures": 2, "minSamplesSplit": 5, "minSamplesLeaf": 3, "seed": 11],
                    ["nEstimators": 5, "maxFeatures": "log2", "maxDepth": 3, "criterion": regression ? "squared_error" : "gini"]]
        case "gradient_boosting":
            return [["learningRate": 0.3, "maxIter": 20, "maxLeafNodes": 8, "maxDepth": 3, "minSamplesLeaf": 5, "l2Regularization": 1,
                     "maxBins": 64, "seed": 2],
                    ["earlyStopping": true, "validationFraction": 0.2, "nIterNoChange": 3, "tol": 0.001, "maxIter": 200, "seed": 5]]
        case "logistic_regression":
            return [["C": 0.5, "maxIter": 50, "tol": 1e-6, "fitIntercept": false, "standardize": false],
                    ["C": 10, "seed": 4]]
        case "linear_regression":
            return [["fitIntercept": false]]
        case "ridge":
            return [["alpha": 3.5, "fitIntercept": false], ["alpha": 0]]
        case "knn":
            return [["nNeighbors": 7, "weights": "distance", "standardize": true], ["nNeighbors": 1]]
        case "naive_bayes":
            return [["varSmoothing": 1e-6]]
        default:
            return []
        }
    }

    static let runs: [Run] = AlgorithmCatalog.all.flatMap { algorithm -> [Run] in
        let data: [Run.Data] = algorithm.tasks.flatMap { $0 == .classification ? [Run.Data.multiclass, .binary] : [.regression] }
        return data.flatMap { d -> [Run] in
            let sets = [[:]] + explicit(algorithm.name, regression: d == .regression)
            return sets.enumerated().map { i, params in
                Run(algorithm: algorithm.name, data: d, params: params, name: "\(algorithm.name) \(d.rawValue) \(i == 0 ? "defaults" : "explicit \(i)")")
            }
        }
    }

    static func outcome(_ run: Run) throws -> TrainingOutcome {
        switch run.data {
        case .multiclass:
            return try Fixtures.train(Fixtures.spec(run.algorithm, run.params), Fixtures.csv("examples/data/iris.csv"))
        case .binary:
            return try Fixtures.train(Fixtures.spec(run.algorithm, run.params, target: "target"), Fixtures.csv("examples/data/breast_cancer.csv"))
        case .regression:
            let spec = Fixtures.spec(run.algorithm, run.params, target: "y", task: .regression,
                                     split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false))
            return try Fixtures.train(spec, Fixtures.regressionFrame())
        }
    }

    @Test func everyAlgorithmAndTaskIsPinnedWithDefaultsAndExplicitParameters() {
        #expect(Set(Self.runs.map(\.name)) == Set(Self.pinned.keys), "a run without a pinned digest, or a pinned digest without a run")
        #expect(Set(Self.runs.map(\.name)) == Set(Self.pinnedModels.keys), "a run without a pinned model digest, or one without a run")
        for algorithm in AlgorithmCatalog.all {
            #expect(!Self.explicit(algorithm.name, regression: false).isEmpty, "\(algorithm.name) has explicit parameters pinned")
        }
    }

    @Test(arguments: runs)
    func artifactBytesAreThePinnedOnes(_ run: Run) throws {
        let outcome = try Self.outcome(run)
        #expect(outcome.digest == Self.pinned[run.name], "\"\(run.name)\": \"\(outcome.digest)\",")
    }

    /// The artifact without its reference profile is written as format version 2, byte for byte as
    /// engine 3 wrote it: the profile is the only change engine 4 made to trained bytes.
    @Test(arguments: runs)
    func modelBytesWithoutTheProfileAreTheOnesEngineThreeTrained(_ run: Run) throws {
        var model = try Self.outcome(run).artifact
        #expect(model.reference != nil)
        model.reference = nil
        let digest = SHA256.hex(of: model.encoded())
        #expect(digest == Self.pinnedModels[run.name], "\"\(run.name)\": \"\(digest)\",")
    }

    /// The digests of the artifacts engine 4 trains, reference profile included.
    static let pinned: [String: String] = [
        "decision_tree binary defaults": "882dcd890ec11ff54f5100b973a4308f17cc61f45786ee513c1b7faec1b3dcf9",
        "decision_tree binary explicit 1": "0a4a1bb5738fe10d9ef67c75f21769545ad281c9b6a94587867cd2ea107ab244",
        "decision_tree multiclass defaults": "09867b92d1fcfe4dc13eb9b5843fd33536d70b8b7ab81ef6737d9d017ab7647e",
        "decision_tree multiclass explicit 1": "80529d881358851cd1309ab4db343c59281f4bc5a0cc7a860f56398edeb53e09",
        "decision_tree regression defaults": "8c5430909a06dd46f907d239ecb484966922c055a75b228e02c148db2db7865b",
        "decision_tree regression explicit 1": "ce8072360b21051180ff177b1db0e3a73f631c5285d705c92006817e07d6eb27",
        "extra_trees binary defaults": "eb352db536025b97ba04815b91f6065fc38b0474517e43910e5ed3a92f4cfde5",
        "extra_trees binary explicit 1": "71f96b42e192a1a67c1ad43b5aa3f0e5ff5a6804bc0793f0ebd9112bf2a90f31",
        "extra_trees binary explicit 2": "eb62aa69bd2cfa12b18779ac0c92c319f2e6ac1ae3f8e5a7fcd89814d36b817d",
        "extra_trees multiclass defaults": "3b3b0ed1efdc74824112c6eae03b7d6e18a6c723acd2ff49d1b490ee61bd00d1",
        "extra_trees multiclass explicit 1": "266b410f87591b5c3e6a527df0fe7e939eb1f789001ac80a287a9fafcd07e012",
        "extra_trees multiclass explicit 2": "f98015d02277bd464cb1994a0d278815c60fcda50507f1a093cd9028bb9209b4",
        "extra_trees regression defaults": "4fc49b725eaa4f810d4081dfb7e4a8cca6d899b7e2326639418b4f3d95a84ea3",
        "extra_trees regression explicit 1": "725c9237ead1e0712dcf1f440d4c559e11b0f6294c05bef0b0bc22da1a5895c1",
        "extra_trees regression explicit 2": "4aa432355a657500b7a73895d90da9f93b2f093a33be67e59eb71f9cec6cb733",
        "gradient_boosting binary defaults": "d1738580b32fe7521539ec4ddcb8697665ba8061a0416a18a95ef7be232eab17",
        "gradient_boosting binary explicit 1": "4891ef7d15d5328854a4cf8c56602207e1d3dd0604a7593783f4cb405e27bcdb",
        "gradient_boosting binary explicit 2": "7b6b7459bf7954f2af546c2b6b757c2251824779eabecc5955d29451885f1654",
        "gradient_boosting multiclass defaults": "b7251d555b45c629bdaa1162e4aa6c7350b7ea4715b2431cdace6a61d32a3f26",
        "gradient_boosting multiclass explicit 1": "f736aa8f5aa2d3764f84bfc20d2d4021a13cdb7ee93e20fdd0c4523c00da9eb7",
        "gradient_boosting multiclass explicit 2": "a8a2f6f3805e4a23c85da25ef0d0e74c04c1a8998a0c523bd7d3f065c02b16f4",
        "gradient_boosting regression defaults": "db9762dbc0debf60df3a93a3b2964c18ced43e49d4dc3909dc6526efcf091c48",
        "gradient_boosting regression explicit 1": "ff32906128ed21f5516304734a265a7151d0ded9a4efe643d316d80f6e8f7a6d",
        "gradient_boosting regression explicit 2": "3273a0c43a22220975e9e72ca56bad988c421d1d9712a6978513c0824090e216",
        "knn binary defaults": "58963d57eb2a93e491121aadb47d9d8897d01d76fb91aba0167823c883d9f212",
        "knn binary explicit 1": "af42f3938bbb159970d62392ba544e0fca764f3c9e1a882a41d810bb0a41e789",
        "knn binary explicit 2": "80ba11c1f96c67e3f338c6ee4f784ac66e3ba7b54868cc5233428650e2fc994f",
        "knn multiclass defaults": "04de2dde9d89ecc191058b5dba5d5f29084348f316d1ff39fc78d4ebf1241463",
        "knn multiclass explicit 1": "bae8aae7d5ffeeedc1dec76cffa002d07353729cad3e5b8fb663226e08e6cc7f",
        "knn multiclass explicit 2": "b8ee430ff8e10a194898d672308252ad63ad1f0b0fc7f2a313e62d8950ddfd21",
        "knn regression defaults": "48fe53b60f04bf95e788aa2a4676fa856aa32beff20132e0986bab03e7692efd",
        "knn regression explicit 1": "458bec201edadd6061410b1f587a0a584d81462c2fec054a2bac2bccf5b616ca",
        "knn regression explicit 2": "3cb8936f302b59fecb3f6db3ab73f6207bfd696be4e4453fd90701be8f8d3050",
        "linear_regression regression defaults": "0058f6c9504895be9541fbfc998267bb424c97051adbac59c14eb34572f59eef",
        "linear_regression regression explicit 1": "96f5544d24846f2388824d7c1fea32802e087d6d2012f478babf0c45dbdaecfa",
        "logistic_regression binary defaults": "b1950dcea9dffd8c3a7e362b403666d59aa66ce351586884e6ff244dfe5b9573",
        "logistic_regression binary explicit 1": "0165b477610e3d761a8dfcb2a914d0fb47d7b62775b1183b956deba4e05091c5",
        "logistic_regression binary explicit 2": "e282565ab070e376e70b13b11b2420e7f81258ae5434d4dec2cbf69e67ed788d",
        "logistic_regression multiclass defaults": "3f7cc42c6b1ba492bd4c50947250dac8851e9c61ad07ae157ab80667770dd403",
        "logistic_regression multiclass explicit 1": "f0bd6f8513920c9bc9a588af08f8be2195675ac1ea1cbeec4fb2c8162b683e80",
        "logistic_regression multiclass explicit 2": "24fe8d9783b693d13b60a5eb8ba73618e59d8b48ca00881dd4db533644dfc252",
        "naive_bayes binary defaults": "cddb426ef2f23b12ef0ca35aa747fb9d78504b3530b8788fe37728606fb67123",
        "naive_bayes binary explicit 1": "801282d0b2588067d36309071d154b0240da82231a52054a84755f28ef621572",
        "naive_bayes multiclass defaults": "37ed58bf7afc1f1227d24db91d0c8792cdb12175b52246435ec56690b0a2bc4f",
        "naive_bayes multiclass explicit 1": "c9ca73601e223464cb3a0ce2f892dcb9d48f31110d42a2d31fe3af120add0946",
        "random_forest binary defaults": "8cc77fa2b571179acc04422a1d49a97bcffdfd22ede378f1f2cab725bed4a49f",
        "random_forest binary explicit 1": "9db880d03e2b8e53d4af19b17c8be40c509aa4a7812dcee083b06bb1984b124a",
        "random_forest binary explicit 2": "7aab0938bfb201def118e821bc6b5d6da642467e49e8776cf551ce0fff5b5b69",
        "random_forest multiclass defaults": "35014e5f369b9a226bbfc33058f9a32fbd8f18bbd48ca6ef57e6d952c5e3b0c9",
        "random_forest multiclass explicit 1": "7757a5853f8bd959337ddc0503fa92c802e5cbe443021da775f1c341480e592b",
        "random_forest multiclass explicit 2": "8d3d4f695a1c4bf3eeebcef60d5e9415388fd8feacf680ae62d2447f4336e733",
        "random_forest regression defaults": "1e4ed71d63660e31e559cafdbbbbb495a4fc9591b2a496fa2903a39bf4dd0cd4",
        "random_forest regression explicit 1": "99cdca8ad69626555c9f2c2993830f616bb907586cc9b56cd8371f675ff43e31",
        "random_forest regression explicit 2": "40fef6adf188c0dfc9ef31ef9cf9dbfabc4d177a3dc282b46b401e7b0a16a1a6",
        "ridge regression defaults": "93d168fa4a0b701d676f5d653ecf2a8ce852c74bab8357c364398c89ce0f3e7e",
        "ridge regression explicit 1": "46093fa85555583480ae5e2f4348832e318b12c4586101b53abb18347b40d234",
        "ridge regression explicit 2": "249b2b2f0823047c695df294c9b5025cc9e29eb124bd36a8e3c6a7758f080070",
    ]

    /// The digests engine 3 trained (before the reference profile), the same since the catalog became the
    /// single source of the defaults.
    /// Logistic regression, linear regression and ridge: since their blocked kernels (another summation order).
    static let pinnedModels: [String: String] = [
        "decision_tree binary defaults": "ca24c8eff31f045642f062437be406b47fb708866469a726a7c98770861c7d38",
        "decision_tree binary explicit 1": "363d7527b9bb0c0f87e0bbcfa08cca8f28b999fdd8a4233681127620111c2eb3",
        "decision_tree multiclass defaults": "cd95522bc4b337df12fa4c867b42bf0b46d0ad8f4d47a1877e118a15f6b5bcc6",
        "decision_tree multiclass explicit 1": "35d489076749d826450ed0f599a466a48a9ff47d11d6ed73e8c568ffe939be88",
        "decision_tree regression defaults": "96ccff5db879e54100ec10bde832a3605b824d45fd5d6c121a248877a80af5e6",
        "decision_tree regression explicit 1": "ecbedb78ccf4e5d8df95f3668feb152d4d9d5d810117067372677076e6a3242d",
        "extra_trees binary defaults": "198c51ca7a479fa15cb33ad700af23754e802520a68ec1d0b5bb90032668149f",
        "extra_trees binary explicit 1": "5714400cc9df5ec527f9748bc4c9989e38c180fc65b15bcfb39ccf5e2ae06c80",
        "extra_trees binary explicit 2": "5046350f3cff9846ef5bc74e326652ce34343a2d7ebe30131eb8972310abddea",
        "extra_trees multiclass defaults": "2eb5c171c750f4abd93b646a063124e87952527f3b81204de11d8c21ae978569",
        "extra_trees multiclass explicit 1": "0515d9dd64ed629b7d3d0c88de4fe538f7868617457da4f422d8583c8d7ac917",
        "extra_trees multiclass explicit 2": "8f085fb83f8de9bbe95d9ea41b283c531f5deff0f02e46115f281475d366bd9f",
        "extra_trees regression defaults": "b9dfbf1988dc4accbe7bff4d945d5eed2bcaa140bdbe63a6d9fb83a6de4b2d83",
        "extra_trees regression explicit 1": "01a013ade3bb9a48b80cdb8c7ee049d8d85adeeed71e8d8a9ac235420abee5f9",
        "extra_trees regression explicit 2": "95fe730f659007aa470836aa3dfd667cc5a18c5268012639ecf8d8adab3d4bb2",
        "gradient_boosting binary defaults": "537420aa5c30f799cf62e2d4b9c5e20e36fca494d05cf72a11dc49bebbe43f9b",
        "gradient_boosting binary explicit 1": "bca6da941d913b7cbd04b35a3285143a7f4d0fdb4a452ad48ef70307d27577c4",
        "gradient_boosting binary explicit 2": "73c546f8d63c0104ddb02c05a3d93ec4026f627a84e9c72e2722651cc86c4429",
        "gradient_boosting multiclass defaults": "fab87dae0b9729b3dd6fbac89b8f9c285c5c038ca53b64ba5a6f4ceeab960176",
        "gradient_boosting multiclass explicit 1": "6d430c0c82d03febf73d9bbd175da82725f4773d8b6329aff28d36b02dc2e3ec",
        "gradient_boosting multiclass explicit 2": "a06bd562c31518c0943c172e1a654d3309f0471184f5c8d8551e963272bc1055",
        "gradient_boosting regression defaults": "4aa22f721bb800de4de5acf12efb1de51800ba209abda0ae6b98308745099941",
        "gradient_boosting regression explicit 1": "291b14e40b93bfc3e70e5861a29041a5d328f231c6e108eabc46c1ae4587aa19",
        "gradient_boosting regression explicit 2": "0cd0af7b5e9d80e63ef7df2e09417ea904054a9dd9524510cb31fd51e75bc5e9",
        "knn binary defaults": "d7bb5cdf562a4174032b2f3b4dba0d283d0ba6f894ac6e59d2d60ba675c9a3c9",
        "knn binary explicit 1": "981d1678eb2ebf0d194a9b6b46900711ee4250d8d1d9bd650e34810db5c2c837",
        "knn binary explicit 2": "af0a03d339905f365b99f12ce28f4678e18605e2fefb11c9c1f0bb65941e3ee6",
        "knn multiclass defaults": "95ec5fc16cee42fa01401bf08407b9ee740f57826cbaeb484fce04b5bfbf53e5",
        "knn multiclass explicit 1": "8cf60b95b830ee748ff64b3455a356a35e937c5fae3f6b88f47e9ebfdfa3610d",
        "knn multiclass explicit 2": "90984b6dbbaf0aa35c7527654a7534d9f95e771cb64c00bbd654691989147b46",
        "knn regression defaults": "4a6532e27534e60aa39079eae3ce13732a18cdf659dce98331d15fe9587ac5d6",
        "knn regression explicit 1": "93eb681dd80486f6b5abe07b0b71f06dbb9ffb80ca7c728f67173d5b44e4ab69",
        "knn regression explicit 2": "db654d962bfbd925f02233499acf795d6b12492f7cb8b9c1225cd9d9398741ba",
        "linear_regression regression defaults": "e51a267d43859601c1942705217013a1ddf86657b3e2e18a8b159de783d6bcb5",
        "linear_regression regression explicit 1": "e7721b58a96a6f6646efa3e9c7999ebc4cc0a02996fd4d2afaffd3b8796cedcb",
        "logistic_regression binary defaults": "fccb9056eecb8f825dfd293b9b9148510d05320fc41bd4461e9843dc290a2e32",
        "logistic_regression binary explicit 1": "c64e6ff425fab3c398b6015de9140a28b6a0f7a5b5636fd186b5089883fb5f5e",
        "logistic_regression binary explicit 2": "a9423fae40f161d37f8629f07dbf33502d1aea8abcff71ec39b2dc05ec3fa2fb",
        "logistic_regression multiclass defaults": "cd5cb6005f112dc3d2c22b3dec1f2d11b63bb18fd4ec59dbac24ff8ede592bd0",
        "logistic_regression multiclass explicit 1": "4cf408e1d177c30500bb40a7a67155f79ab0ef80a50a7f09fa6effb07cd0bcf1",
        "logistic_regression multiclass explicit 2": "9a1b769943b94231a473e740d1b857cf0c4d7154b18f72912e0a507920c1c63c",
        "naive_bayes binary defaults": "2477dd9bb11958a42e0ec313d0594ce32f5a0a2882bf14a8cfc3905ec1ea3a42",
        "naive_bayes binary explicit 1": "b7877d45d5d4916666f566e287f2bf8ecac2298120ba5ecde7277604fbc18bd0",
        "naive_bayes multiclass defaults": "4f66543a6bae2d25daca723fce40218a04f37202b7cb5bbcd0675101922a33bf",
        "naive_bayes multiclass explicit 1": "1c4041fd50382136e7100bc3dba883fdef265a02efe30da9a2a62b44b04b668b",
        "random_forest binary defaults": "a6a9f46bc34abed38f997dc4c0289f6e9a35503b465cc820623ffa9f144380c2",
        "random_forest binary explicit 1": "3b2bc84c76f8b67f89df7ea691d03504a4c1ef5faa3274a048c461bb0743dfae",
        "random_forest binary explicit 2": "06401a4c15a7ead053c06a34499a441e0c6d39eb5a163daa0f37dbcaf2fd53d1",
        "random_forest multiclass defaults": "675b01a965392cf0f7a40a59097fb9a66ade4e40ffc98fd5f30e24b1daba4a2a",
        "random_forest multiclass explicit 1": "0d0537820f30cc8e7defa2abfb0c10509b137f93cb6d164ef423d79d4609d0a5",
        "random_forest multiclass explicit 2": "fcb155e1e3a0056829ef1351a76c1b7045393d2e450e5f30d3b2b9fb4f20b52c",
        "random_forest regression defaults": "200df7cf794006cc8d931811adc4c4583ea76c156b878278ab8a8d8f13ce01e3",
        "random_forest regression explicit 1": "3279e9ca9aaef1be31e74f7541e4ec8f59d1ccf1d5eb8e58870f327b5a925c90",
        "random_forest regression explicit 2": "cbb855e43f716312dc9b4bd4f4f97da5f1605b3e8db73b1292def123abfcb75e",
        "ridge regression defaults": "c679f9f8d54a4ee08b00e4cd4201ac89247b1176b6c148993636ddd832403540",
        "ridge regression explicit 1": "0c4885c61550d35f9eb74d323da99ed92dcabbacdf3b1ef9bb515e18f32f8efe",
        "ridge regression explicit 2": "e65d8e141672c1bde80617d3bcfd6d642aeb5abd0761773c6d0eb33536f4bbe7",
    ]
}
