import type { Child, FC } from "hono/jsx";

// One small inline stylesheet: no extra request on a slow link, no build step.
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1e293b;background:#f1f5f9}
a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#0f172a;color:#e2e8f0;padding:.6rem 1rem}
header.top .in{max-width:1140px;margin:0 auto;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:baseline}
header.top a{color:#e2e8f0}header.top .brand{font-weight:700;color:#fff;letter-spacing:.02em}
header.top nav{display:flex;gap:1rem;flex-wrap:wrap}header.top nav a.on{color:#fff;border-bottom:2px solid #60a5fa}
header.top .who{margin-left:auto;font-size:.85rem;color:#94a3b8}
main{max-width:1140px;margin:0 auto;padding:1rem}
h1{font-size:1.45rem;margin:.2rem 0 .8rem;word-break:break-word}h2{font-size:1.15rem;margin:0 0 .6rem}h3{font-size:1rem;margin:1rem 0 .4rem}h4,h5,h6{font-size:.95rem;margin:.8rem 0 .3rem}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:1rem;margin:0 0 1rem;min-width:0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:1rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:.4rem .6rem;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;min-width:9rem;overflow-wrap:anywhere}
#metrics td:first-child,#compare td:first-child{white-space:normal;min-width:8rem;overflow-wrap:anywhere}th{background:#f8fafc;font-weight:600;color:#475569}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.cp td{background:#fef2f2}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
pre{background:#f8fafc;border:1px solid #e2e8f0;border-radius:6px;padding:.6rem;overflow-x:auto}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:999px;font-size:.78rem;font-weight:600;background:#e2e8f0;color:#334155;white-space:nowrap}
.badge.words{white-space:normal;border-radius:.6rem}
.b-success,.b-improved,.b-PASS,.b-READY{background:#dcfce7;color:#166534}
.b-failure,.b-regressed,.b-FAIL,.b-NOT_READY,.b-invalid{background:#fee2e2;color:#991b1b}
.b-inconclusive,.b-READY_WITH_CAUTION,.b-missing,.b-insufficient_samples,.b-not_decided,.b-unconfirmed_worse,.b-unconfirmed_better{background:#fef3c7;color:#92400e}
.b-cancelled,.b-SKIPPED{background:#f1f5f9;color:#64748b}
.notice{border-left:4px solid #f59e0b;background:#fffbeb;padding:.5rem .8rem;margin:.5rem 0;border-radius:4px}
.notice.err{border-color:#dc2626;background:#fef2f2}
.muted{color:#64748b;font-size:.88rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{color:#64748b}dl.facts dd{margin:0;word-break:break-word}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#475569;min-width:0;max-width:100%}
input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid #cbd5e1;border-radius:6px;background:#fff}
button{background:#1d4ed8;color:#fff;border-color:#1d4ed8;cursor:pointer}
img.chart{display:block;max-width:100%;height:auto;border:1px solid #e2e8f0;border-radius:6px;background:#fff}
figure.chart{margin:0;max-width:760px}figure.chart figcaption{overflow-wrap:anywhere}select{max-width:100%}
.md p{margin:.4rem 0}.md ul,.md ol{padding-left:1.4rem}
ul.files{columns:2 18rem;padding-left:1.2rem}ul.files li{overflow-wrap:anywhere}
details summary{cursor:pointer;color:#1d4ed8}
details.trend{border-top:1px solid #e2e8f0;padding:.45rem 0}details.trend>summary{overflow-wrap:anywhere}details.trend[open]{padding-bottom:.8rem}
@media (max-width:640px){main{padding:.6rem}.card{padding:.7rem}h1{font-size:1.2rem}dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:.3rem}}
`;

export interface LayoutProps {
  title: string;
  repository?: string;
  active?: "runs" | "trends" | "compare";
  login?: string;
  children?: Child;
}

export const Layout: FC<LayoutProps> = (props) => {
  const base = props.repository ? `/reports/${props.repository}` : null;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        {/* No favicon request: one round trip less on a slow link. */}
        <link rel="icon" href="data:," />
        <title>{`${props.title} · mlxbench`}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <header class="top">
          <div class="in">
            <span class="brand">mlxbench</span>
            {base ? (
              <nav aria-label="repository">
                <a href={base}>{props.repository}</a>
                <a href={base} class={props.active === "runs" ? "on" : ""}>
                  Runs
                </a>
                <a href={`${base}/trends`} class={props.active === "trends" ? "on" : ""}>
                  Trends
                </a>
                <a href={`${base}/compare`} class={props.active === "compare" ? "on" : ""}>
                  Compare
                </a>
              </nav>
            ) : null}
            {props.login ? <span class="who">signed in as {props.login}</span> : null}
          </div>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
};

export const Badge: FC<{ value: string | null | undefined }> = ({ value }) =>
  value ? (
    <span class={`badge b-${value}`}>{value.replace(/_/g, " ")}</span>
  ) : (
    <span class="muted">—</span>
  );

export const Notice: FC<{ error?: boolean; children?: Child }> = (props) => (
  <p class={props.error ? "notice err" : "notice"} role="status">
    {props.children}
  </p>
);
