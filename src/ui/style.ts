/** The UI's stylesheet, inlined into every page (one request less before the first paint). */
export const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--mute:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--link:#0757c7;--add:#dafbe1;--del:#ffebe9;--chg:#fff8c5;--err:#b3261e;--warn:#8a5300;--ok:#1a7f37;--key:#0550ae;--str:#0a3069;--num:#953800;--kw:#8250df}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9198a1;--line:#3d444d;--soft:#161b22;--link:#4493f8;--add:#12361f;--del:#4a1414;--chg:#3b3214;--err:#ff7b72;--warn:#e3b341;--ok:#3fb950;--key:#79c0ff;--str:#a5d6ff;--num:#ffa657;--kw:#d2a8ff}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid var(--line);flex-wrap:wrap}
header .home{font-weight:700;color:var(--fg);text-decoration:none}
main{padding:1rem;max-width:1400px;margin:0 auto}main:focus{outline:none}
footer{padding:1rem;color:var(--mute);font-size:.85em;text-align:center}
a{color:var(--link)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:2px solid var(--link);outline-offset:2px}
h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1.15rem;margin:1.2rem 0 .4rem}h2 small{color:var(--mute);font-weight:400;font-size:.8em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{font-weight:600;color:var(--mute);font-size:.85em}
.filter{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}input[type=search]{font:inherit;padding:.35rem .6rem;width:min(28rem,100%);border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
output{color:var(--mute)}.tag{display:inline-block;padding:0 .4rem;border-radius:1rem;background:var(--soft);border:1px solid var(--line);font-size:.8em}
.badge{padding:0 .4rem;border-radius:4px;font-size:.8em;border:1px solid currentColor}.warn{color:var(--warn)}.error{color:var(--err)}.info,.note{color:var(--mute)}.ok{color:var(--ok)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}dl.meta dt{color:var(--mute)}dl.meta dd{margin:0}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}
pre,code{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.6rem;overflow:auto;margin:.4rem 0}
.src details{display:inline}.src details>summary{display:inline;cursor:pointer;list-style:none}.src details>summary::-webkit-details-marker{display:none}
.src details>summary::before{content:"\\25BE";color:var(--mute);margin-right:2px}.src details:not([open])>summary::before{content:"\\25B8"}.src details:not([open])>summary::after{content:" \\2026 " attr(data-close);color:var(--mute)}
.src .blk{display:block;padding-left:1.2em}.k{color:var(--key)}.s{color:var(--str)}.n{color:var(--num)}.b,.kw{color:var(--kw)}.c{color:var(--mute)}
.toolbar{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}button,select,.btn{font:inherit;padding:.25rem .7rem;border:1px solid var(--line);border-radius:6px;background:var(--soft);color:var(--fg);cursor:pointer;text-decoration:none}
.tabs{display:flex;gap:.3rem;flex-wrap:wrap;margin:.6rem 0;border-bottom:1px solid var(--line)}.tabs a{padding:.3rem .7rem;text-decoration:none;border-radius:6px 6px 0 0}.tabs a[aria-current=page]{background:var(--soft);border:1px solid var(--line);border-bottom-color:var(--soft);color:var(--fg)}
.outline ul{list-style:none;padding-left:1rem;margin:0}.outline>ul{padding-left:0}.outline li{margin:.15rem 0}.outline .t{color:var(--kw)}.outline .req{color:var(--err);font-size:.8em}.outline .cons{color:var(--mute);font-size:.85em}
.finding{border:1px solid var(--line);border-left:4px solid var(--mute);border-radius:6px;padding:.4rem .6rem;margin:.4rem 0}.finding.error{border-left-color:var(--err)}.finding.warning{border-left-color:var(--warn)}.finding p{margin:.2rem 0;color:var(--fg)}
table.sbs{table-layout:fixed;font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}table.sbs td{border:0;padding:0 .4rem;white-space:pre-wrap;word-break:break-all}table.sbs td.ln{width:3.2em;color:var(--mute);text-align:right;user-select:none}
tr.d-del td.l,tr.d-chg td.l{background:var(--del)}tr.d-add td.r,tr.d-chg td.r{background:var(--add)}
.sr{position:absolute;left:-9999px}
@media (max-width:700px){.cols{grid-template-columns:minmax(0,1fr)}table{display:block;overflow-x:auto}main{overflow-wrap:anywhere}h1{font-size:1.25rem}.wide{display:none}main{padding:.6rem}table.sbs td.ln{width:2.2em}}
`;
