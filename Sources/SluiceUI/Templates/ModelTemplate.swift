extension Templates {
    /// `/ui/models/{name}`: one model, in sections: facts, versions, metric over versions, gate
    /// history, publications, plan, suspend/resume, monitoring. `{{{…SVG}}}` and `{{{svg}}}` carry
    /// charts built with ``HTML`` (MetricChart, DriftBars, SeriesChart), `{{{…Rows}}}` the rows of
    /// the tables that grow with the versions (built in Swift with ``HTML/escape(_:)``: hundreds of
    /// rows render in a fraction of the template engine's time).
    static let model = """
        <style>
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1.2em;margin:.4em 0}
        .facts dt{color:var(--muted)}.facts dd{margin:0}
        .scroll{max-width:100%;overflow-x:auto}caption{text-align:left}
        .ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}
        .params{white-space:pre-line;font:12px ui-monospace,monospace}
        .charts{display:flex;flex-wrap:wrap;gap:1em}
        svg.metric-chart,svg.drift-bars,svg.series-chart{max-width:100%;height:auto}
        svg .axis,svg .tick{stroke:var(--muted)}
        svg .band-fail{fill:var(--bad);fill-opacity:.14}svg .band-regression{fill:var(--band)}
        svg .limit{stroke:var(--bad);stroke-dasharray:4 3}
        svg .line{fill:none;stroke:var(--info);stroke-width:2}
        svg .point{fill:var(--bg);stroke:var(--info);stroke-width:1.5}svg .point.published{fill:var(--info)}
        svg .point.in-service{fill:var(--ok);stroke:var(--fg)}
        svg .bar{fill:var(--info)}svg text.value{paint-order:stroke;stroke:var(--bg);stroke-width:3px}svg .bar.level-warn{fill:var(--warn)}svg .bar.level-breach{fill:var(--bad)}
        svg .warn-line{stroke:var(--warn);stroke-dasharray:4 3}svg .breach-line{stroke:var(--bad);stroke-dasharray:6 3;stroke-width:1.5}
        svg polyline.live{fill:none;stroke:var(--info);stroke-width:2}svg circle.live{fill:var(--info)}
        svg polyline.estimate{fill:none;stroke:var(--other);stroke-dasharray:5 3}svg rect.estimate{fill:var(--bg);stroke:var(--other)}
        svg .test-line{stroke:var(--ok);stroke-dasharray:2 2}
        </style>
        {{#missing}}<p>Neither the store nor the manifests know a model named <code>{{name}}</code>. Check the name in <a href="/ui">all models</a>; a new model appears here once its manifest is committed and a plan has read it.</p>{{/missing}}
        {{^missing}}
        <section id="facts"><h2>State</h2>
        <dl class="facts">
        <dt>Health</dt><dd class="health health-{{health}}" data-health="{{health}}">{{healthSymbol}} {{healthWords}}</dd>
        <dt>Sync</dt><dd data-sync="{{sync}}">{{syncWords}}</dd>
        {{#message}}<dt>Message</dt><dd>{{message}}</dd>{{/message}}
        <dt>In service</dt><dd>{{#serving}}<code title="{{id}}">{{short}}</code> since {{since}}{{/serving}}{{^serving}}no version{{/serving}}</dd>
        <dt>Target</dt><dd>{{#target}}{{target}}{{/target}}{{^target}}–{{/target}}</dd>
        <dt>Labels</dt><dd>{{#labels}}<code>{{text}}</code> {{/labels}}{{^labels}}none{{/labels}}</dd>
        <dt>Manifest</dt><dd>{{#manifestFile}}<code>{{manifestFile}}</code>{{/manifestFile}}{{^manifestFile}}none{{#formerFile}} (its last version was trained from <code>{{formerFile}}</code>){{/formerFile}}{{/manifestFile}}</dd>
        <dt>Last reconcile</dt><dd>{{#lastReconcile}}{{age}} ({{time}}){{/lastReconcile}}{{^lastReconcile}}never{{/lastReconcile}}</dd>
        </dl>
        </section>
        <section id="versions-section"><h2>Versions</h2>
        {{#hasVersions}}
        <div class="scroll"><table id="versions">
        <caption class="muted">Newest first; parameters that differ from the champion's (the version in service).</caption>
        <thead><tr><th scope="col">Version</th><th scope="col">Created</th><th scope="col">Revision</th><th scope="col">Data</th><th scope="col">Parameters</th>{{#metricNames}}<th scope="col" class="num">{{name}}</th>{{/metricNames}}<th scope="col">Gate</th><th scope="col">Published</th></tr></thead>
        <tbody>
        {{{versionRows}}}
        </tbody>
        </table></div>
        {{/hasVersions}}
        {{^hasVersions}}<p class="muted">No version yet.</p>{{/hasVersions}}
        </section>
        <section id="metric-over-versions"><h2>Metric over versions</h2>
        {{#hasCharts}}<p class="muted">Versions in creation order: ● published, ○ never published, ★ in service; shaded: where the gate fails (min/max) and how far below the champion a candidate may fall (maxRegression). The numbers are in the versions table.</p>{{/hasCharts}}
        <div class="charts">{{#charts}}{{{svg}}}{{/charts}}</div>
        {{^charts}}<p class="muted">No chart: the model has no gated metric or no version.</p>{{/charts}}
        </section>
        <section id="gate-history"><h2>Gate history</h2>
        {{#hasVerdicts}}
        <div class="scroll"><table>
        <caption class="muted">Verdicts, newest first, rule by rule; delta is the candidate's value minus the champion's.</caption>
        <thead><tr><th scope="col">Evaluated</th><th scope="col">Candidate</th><th scope="col">Verdict</th><th scope="col">Champion</th><th scope="col">Metric</th><th scope="col">Rule</th><th scope="col" class="num">Limit</th><th scope="col" class="num">Candidate</th><th scope="col" class="num">Champion</th><th scope="col" class="num">Delta</th><th scope="col">Outcome</th></tr></thead>
        <tbody>
        {{{historyRows}}}
        </tbody>
        </table></div>
        {{#historyMore}}<p class="muted">{{historyMore}} <a href="{{historyAllHref}}">Show them all</a></p>{{/historyMore}}
        {{/hasVerdicts}}
        {{^hasVerdicts}}<p class="muted">No verdict yet.</p>{{/hasVerdicts}}
        </section>
        <section id="publications"><h2>Publications</h2>
        {{#hasPublications}}
        <div class="scroll"><table>
        <caption class="muted">Which version served when, newest first.</caption>
        <thead><tr><th scope="col">Version</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">Target</th><th scope="col">Reason</th></tr></thead>
        <tbody>
        {{{publicationRows}}}
        </tbody>
        </table></div>
        {{/hasPublications}}
        {{^hasPublications}}<p class="muted">Never published.</p>{{/hasPublications}}
        </section>
        <section id="plan"><h2>Plan</h2>
        {{#planProblem}}<p class="notice">{{planProblem}}</p>{{/planProblem}}
        {{#planLines}}<pre class="plan">{{planLines}}</pre>{{/planLines}}
        {{#suspendChange}}
        <details><summary>{{verb}} this model (in git)</summary>
        <p>{{what}}</p>
        <pre>{{diff}}</pre>
        <pre>{{commands}}</pre>
        </details>
        {{/suspendChange}}
        </section>
        {{#monitoring}}
        <section id="monitoring"><h2>Monitoring</h2>
        {{#notChecked}}<p class="muted">{{notChecked}}</p>{{/notChecked}}
        {{#checked}}<p>Last check {{age}} ({{time}}){{#version}} of version <code title="{{id}}">{{short}}</code>{{/version}}.</p>{{/checked}}
        {{#problem}}<p class="notice">The last check could not judge the model: {{problem}}</p>{{/problem}}
        {{#retrain}}<p>Retrain: {{retrain}}</p>{{/retrain}}
        {{#hasConditions}}<div class="scroll"><table id="monitor-conditions">
        <thead><tr><th scope="col">Condition</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">Since</th><th scope="col">State</th></tr></thead>
        <tbody>
        {{/hasConditions}}{{#conditions}}<tr><th scope="row">{{type}}</th><td>{{reason}}</td><td>{{message}}</td><td>{{since}} ({{sinceAge}})</td><td class="{{breachedClass}}">{{breached}}</td></tr>
        {{/conditions}}{{#hasConditions}}</tbody>
        </table></div>{{/hasConditions}}
        {{#checked}}{{^conditions}}<p class="ok">✓ No condition holds.</p>{{/conditions}}{{/checked}}
        {{#driftSVG}}<h3>Feature drift ({{statistic}}; warn at {{warn}}, breach at {{breach}})</h3>
        {{{driftSVG}}}
        <div class="scroll"><table id="drift">
        <thead><tr><th scope="col">Feature</th><th scope="col" class="num">PSI</th><th scope="col" class="num">KS</th><th scope="col" class="num">Missing</th><th scope="col">Level</th></tr></thead>
        <tbody>
        {{#features}}<tr><th scope="row">{{name}}</th><td class="num">{{psi}}</td><td class="num">{{ks}}</td><td class="num">{{missing}}</td><td class="{{levelClass}}">{{level}}</td></tr>
        {{/features}}
        </tbody>
        </table></div>{{/driftSVG}}
        <ul>
        {{#prediction}}<li>{{prediction}}</li>{{/prediction}}
        {{#live}}<li>{{live}}</li>{{/live}}
        {{#estimate}}<li>{{estimate}}</li>{{/estimate}}
        {{#coverage}}<li>{{coverage}}</li>{{/coverage}}
        {{#unmatched}}<li>{{unmatched}}</li>{{/unmatched}}
        {{#dropped}}<li>{{dropped}}</li>{{/dropped}}
        </ul>
        {{#seriesSVG}}<h3>Live vs test over the window</h3>
        {{{seriesSVG}}}
        <details><summary>The numbers</summary><div class="scroll"><table id="series">
        <thead><tr><th scope="col">Step from</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Labelled</th><th scope="col" class="num">Live</th><th scope="col" class="num">Estimate</th></tr></thead>
        <tbody>
        {{#series}}<tr><th scope="row">{{from}}</th><td class="num">{{rows}}</td><td class="num">{{labelled}}</td><td class="num">{{live}}</td><td class="num">{{estimate}}</td></tr>
        {{/series}}
        </tbody>
        </table></div></details>{{/seriesSVG}}
        </section>
        {{/monitoring}}
        {{/missing}}

        """
}
