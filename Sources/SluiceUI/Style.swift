/// The pages' CSS, inline in every page (nothing is fetched from anywhere else).
///
/// Colours come from the Okabe–Ito palette, which stays distinct under the common kinds of colour
/// blindness; every colour that carries meaning has a word or a mark beside it. Light and dark
/// follow `prefers-color-scheme`.
enum Style {
    static let css = """
        :root{--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--link:#0550ae;
        --ok:#009e73;--bad:#d55e00;--warn:#e69f00;--info:#0072b2;--other:#cc79a7;--band:rgba(0,114,178,.12)}
        @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--head:#151b23;
        --link:#4493f8;--band:rgba(86,180,233,.18)}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
        a{color:var(--link)}
        header{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center;justify-content:space-between;padding:.6em 1.2em;border-bottom:1px solid var(--line);background:var(--head)}
        nav{display:flex;gap:1em;align-items:baseline;flex-wrap:wrap}
        nav a{text-decoration:none}nav a[aria-current=page]{font-weight:600;text-decoration:underline}
        .brand{font-weight:700;color:var(--fg)}
        main{padding:1em 1.2em;max-width:100%;overflow-x:auto}
        h1{font-size:1.35em;margin:.2em 0 .6em}h2{font-size:1.1em;margin:1.4em 0 .5em}
        table{border-collapse:collapse;margin:.4em 0}
        th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
        th{background:var(--head);font-weight:600}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
        pre{white-space:pre-wrap;overflow-wrap:anywhere}
        .muted{color:var(--muted)}
        .notice{margin:.6em 1.2em;padding:.4em .8em;border-left:4px solid var(--info);background:var(--head)}
        footer{padding:.6em 1.2em;color:var(--muted);border-top:1px solid var(--line);font-size:.9em}
        .reconcile{display:flex;gap:.5em;align-items:center}
        button{font:inherit;padding:.25em .8em;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);cursor:pointer}
        .health{white-space:nowrap}
        .health-ready{color:var(--ok)}.health-failed{color:var(--bad)}.health-rejected,.health-stalled{color:var(--warn)}
        .health-degraded,.health-drifted{color:var(--other)}.health-suspended,.health-pending,.health-retired{color:var(--muted)}
        svg text{font:11px system-ui,sans-serif;fill:currentColor}
        @media (max-width:700px){main{padding:.6em}th,td{padding:3px 6px}}
        """
}
