// The page's only stylesheet, served from /offers/static/app.css so the Content-Security-Policy can stay
// `style-src 'self'` with no inline styles. Mobile first; colours meet WCAG AA contrast on their backgrounds.
export const APP_CSS = `
:root {
  --ink: #1b1f24; --muted: #4a5561; --line: #d4d9df; --bg: #f4f6f8; --card: #ffffff;
  --brand: #0b5cad; --ok: #116329; --ok-bg: #e3f4e8; --warn: #7a4a00; --warn-bg: #fff2d6;
  --bad: #a4161a; --bad-bg: #fde8e8; --info: #0b4f8a; --info-bg: #e3effb; --off: #4a5561; --off-bg: #eceff2;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); background: var(--bg); }
a { color: var(--brand); }
:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 1; }
.skip:focus { left: .5rem; top: .5rem; }
header.top { background: var(--card); border-bottom: 1px solid var(--line); }
header.top .inner { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between;
  max-width: 72rem; margin: 0 auto; padding: .75rem 1rem; }
header.top .brand { font-weight: 700; }
header.top .who { color: var(--muted); font-size: .9rem; }
header.top form { margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 .25rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 0; line-height: 1.3; }
h3 { font-size: 1.05rem; margin: 0; line-height: 1.3; overflow-wrap: anywhere; }
.asof { color: var(--muted); margin: 0 0 1rem; }
.clock { display: inline-block; border: 1px solid var(--warn); color: var(--warn); background: var(--warn-bg);
  border-radius: .25rem; padding: 0 .35rem; font-size: .85rem; font-weight: 600; }
section.account { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem;
  margin: 0 0 1.25rem; }
.account-head { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; margin-bottom: .75rem; }
.account-head p { margin: 0; color: var(--muted); }
ul.offers { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; grid-template-columns: 1fr; }
@media (min-width: 48rem) { ul.offers { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media (min-width: 72rem) { ul.offers { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
article.offer { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem; height: 100%;
  border-left-width: .35rem; }
article.offer.s-Active { border-left-color: var(--ok); }
article.offer.s-Pending, article.offer.s-PendingRedemption { border-left-color: var(--info); }
article.offer.s-NeedsPaymentMethod { border-left-color: var(--warn); }
article.offer.s-Depleted, article.offer.s-Expired { border-left-color: var(--off); }
article.offer.s-Revoked { border-left-color: var(--bad); }
.offer-head { display: flex; flex-wrap: wrap; gap: .35rem .75rem; align-items: center; justify-content: space-between; }
.badge { display: inline-flex; gap: .3rem; align-items: center; font-size: .85rem; font-weight: 600;
  border-radius: 1rem; padding: .1rem .6rem; border: 1px solid currentColor; white-space: nowrap; }
.badge.s-Active { color: var(--ok); background: var(--ok-bg); }
.badge.s-Pending, .badge.s-PendingRedemption { color: var(--info); background: var(--info-bg); }
.badge.s-NeedsPaymentMethod { color: var(--warn); background: var(--warn-bg); }
.badge.s-Depleted, .badge.s-Expired { color: var(--off); background: var(--off-bg); }
.badge.s-Revoked { color: var(--bad); background: var(--bad-bg); }
.help { color: var(--muted); font-size: .9rem; margin: .35rem 0 .5rem; }
.code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; letter-spacing: .05em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .5rem 0; font-size: .95rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.bar { margin: .5rem 0; }
.bar .bar-label { display: flex; justify-content: space-between; gap: .5rem; font-size: .9rem; flex-wrap: wrap; }
progress { display: block; width: 100%; height: .9rem; border: 1px solid var(--muted); border-radius: .45rem;
  background: var(--off-bg); overflow: hidden; -webkit-appearance: none; appearance: none; }
progress::-webkit-progress-bar { background: var(--off-bg); }
progress::-webkit-progress-value { background: var(--brand); }
progress::-moz-progress-bar { background: var(--brand); }
progress.used::-webkit-progress-value { background: var(--ok); }
progress.used::-moz-progress-bar { background: var(--ok); }
progress.budget::-webkit-progress-value { background: var(--warn); }
progress.budget::-moz-progress-bar { background: var(--warn); }
section.billing { margin-top: 1rem; border-top: 1px solid var(--line); padding-top: .75rem; }
section.billing h3 { margin: 0 0 .25rem; }
section.billing h4.sub { margin: .75rem 0 .4rem; font-size: .95rem; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
ul.orders { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; grid-template-columns: 1fr; }
@media (min-width: 48rem) { ul.orders { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
article.order { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem; height: 100%; }
article.order h4 { margin: 0; }
.badge.io-Active { color: var(--ok); background: var(--ok-bg); }
.badge.io-PendingUserReview, .badge.io-NotStarted, .badge.io-Queued { color: var(--info); background: var(--info-bg); }
.badge.io-Exhausted { color: var(--warn); background: var(--warn-bg); }
.badge.io-Expired, .badge.io-Canceled, .badge.io-Declined { color: var(--off); background: var(--off-bg); }
table.documents { width: 100%; border-collapse: collapse; font-size: .95rem; }
table.documents th, table.documents td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
table.documents .num { text-align: right; font-variant-numeric: tabular-nums; }
table.documents a { display: inline-block; min-height: 1.5rem; color: var(--brand); font-weight: 600; }
.next { margin: .5rem 0 0; font-size: .95rem; }
.next strong { display: block; font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.empty, .quiet { color: var(--muted); margin: 0 0 .5rem; }
.flash { border-radius: .35rem; padding: .6rem .8rem; margin: .75rem 0; border: 1px solid; font-weight: 500; }
.flash.ok { color: var(--ok); background: var(--ok-bg); }
.flash.error { color: var(--bad); background: var(--bad-bg); }
form.redeem { margin-top: 1rem; border-top: 1px solid var(--line); padding-top: .75rem; }
form.redeem .row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
form.redeem .field { flex: 1 1 14rem; }
label { display: block; font-weight: 600; margin-bottom: .2rem; }
.hint { display: block; color: var(--muted); font-size: .85rem; margin: -.1rem 0 .3rem; }
input[type=text], input[type=password] { width: 100%; font: inherit; padding: .55rem .6rem; border: 1px solid var(--muted);
  border-radius: .35rem; background: #fff; color: var(--ink); min-height: 2.75rem; }
button { font: inherit; font-weight: 600; min-height: 2.75rem; padding: .5rem 1rem; border-radius: .35rem; cursor: pointer;
  border: 1px solid var(--brand); background: var(--brand); color: #fff; }
button.secondary { background: var(--card); color: var(--brand); }
button.link { min-height: 2.25rem; padding: .25rem .75rem; }
.signin { max-width: 28rem; margin: 1.5rem auto; }
.signin fieldset { border: 1px solid var(--line); border-radius: .5rem; background: var(--card); padding: 1rem; margin: 0 0 1rem; }
.signin legend { font-weight: 700; padding: 0 .25rem; }
.signin .field { margin-bottom: .75rem; }
.note { color: var(--muted); font-size: .9rem; }
`;
