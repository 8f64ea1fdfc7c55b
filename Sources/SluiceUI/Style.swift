/// The pages' CSS, inline in every page (nothing is fetched from anywhere else).
///
/// Colours come from the Okabe–Ito palette, which stays distinct under the common kinds of colour
/// blindness; every colour that carries meaning has a word or a mark beside it. Light and dark
/// follow `prefers-color-scheme`; pages use the variables (`var(--line)`, `var(--ok)`, …), never
/// colours of their own. Wide tables sit in `<div class="scroll">`, which scrolls sideways on a phone.
enum Style {
    static let css = """
        :root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--link:#0550ae;--focus:#0969da;
        --ok:#007a5a;--bad:#b34700;--warn:#8a5a00;--info:#0072b2;--other:#a0527f;--band:rgba(0,114,178,.12)}
        @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--head:#151b23;
        --link:#4493f8;--focus:#4493f8;--ok:#2ec4a0;--bad:#f0883e;--warn:#e6b04a;--info:#56b4e9;--other:#d895bd;--band:rgba(86,180,233,.18)}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
        a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
        :focus-visible{outline:2px solid var(--focus);outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:1em;top:.5em;background:var(--bg);padding:.2em .6em;z-index:1}
        header{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center;justify-content:space-between;padding:.5em 1.2em;border-bottom:1px solid var(--line);background:var(--head)}
        nav{display:flex;gap:.3em 1em;align-items:baseline;flex-wrap:wrap}
        header nav a{color:var(--fg);padding:.2em 0;border-bottom:2px solid transparent}
        header nav a[aria-current=page]{font-weight:600;border-bottom-color:var(--bad)}
        .brand{font-weight:700;margin-right:.5em}
        main{padding:1em 1.2em}
        h1{font-size:1.35em;margin:.2em 0 .6em}h2{font-size:1.1em;margin:1.4em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;margin:.4em 0;min-width:100%}
        caption{text-align:left;color:var(--muted);padding:.2em 0}
        th,td{border-bottom:1px solid var(--line);padding:5px 10px;text-align:left;vertical-align:middle}
        thead th{background:var(--head);font-weight:600;white-space:nowrap}
        tbody th{font-weight:600}
        tbody tr:hover{background:var(--head)}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        tbody th,.sync,.spark,time{white-space:nowrap}
        code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
        pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--head);border:1px solid var(--line);border-radius:6px;padding:.6em .8em}
        .muted{color:var(--muted)}
        .notice{margin:.6em 0;padding:.4em .8em;border-left:4px solid var(--info);background:var(--head)}
        .notice:empty{display:none}body>.notice{margin:.6em 1.2em}.notice-bad{border-left-color:var(--bad)}.notice p,.notice ul{margin:.2em 0}
        .empty{padding:1.5em;border:1px dashed var(--line);border-radius:6px;text-align:center}
        footer{padding:.6em 1.2em;color:var(--muted);border-top:1px solid var(--line);font-size:.9em}
        form{margin:0}
        .reconcile{display:flex;gap:.5em;align-items:center}
        input,button{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.2em .5em}
        button{padding:.25em .9em;cursor:pointer;background:var(--head);font-weight:600}button:hover{border-color:var(--muted)}
        .filters{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;margin:.6em 0}
        fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2em .8em}legend{float:left;margin-right:.5em;color:var(--muted)}
        details.healths>summary{cursor:pointer}details.healths[open]{flex-basis:100%}details.healths fieldset{margin:.3em 0 0 1em}
        .summary{display:flex;flex-wrap:wrap;gap:.4em;margin:.4em 0}
        .summary a{padding:.15em .7em;border:1px solid var(--line);border-radius:2em}
        .summary a[aria-current]{background:var(--head);border-color:var(--fg)}.summary b{color:var(--fg)}
        .badge{display:inline-block;white-space:nowrap;padding:0 .55em;border:1px solid currentColor;border-radius:2em;font-size:.92em}
        .health-ready{color:var(--ok)}.health-failed{color:var(--bad)}.health-rejected,.health-stalled{color:var(--warn)}
        .health-degraded,.health-drifted{color:var(--other)}.health-suspended,.health-pending,.health-retired{color:var(--muted)}
        .sync-pending{color:var(--info)}.sync-blocked{color:var(--bad)}.sync-orphan,.sync-unknown{color:var(--muted)}
        .label{display:inline-block;margin:1px 0;padding:0 .5em;border-radius:2em;background:var(--head);border:1px solid var(--line);color:var(--fg);font-size:.9em;white-space:nowrap}
        .pager{display:flex;gap:1em;margin:.6em 0}
        svg text{font:11px system-ui,sans-serif;fill:currentColor}
        .trend{font-variant-numeric:tabular-nums;font-size:.9em}.sparkline{vertical-align:middle;color:var(--info)}.sparkline polyline{fill:none;stroke:currentColor;stroke-width:1.5}
        .sparkline circle{fill:var(--bg);stroke:currentColor;stroke-width:1.5}.sparkline circle.in-service{fill:currentColor}
        @media (max-width:700px){main{padding:.6em}th,td{padding:4px 6px}header{padding:.5em .6em}}
        @media print{header form,.filters,.pager,.skip{display:none}body{background:#fff;color:#000}a{color:inherit}.scroll{overflow:visible}}
        """
}
