// The mailed links (/account/verify?token=, /account/reset-password?token=, /orders/{id}?token=) land
// on link.html, two segments below the web root on every host; this sends them to the storefront's
// matching view, keeping the token out of the server's logs from then on (it moves to the fragment).
const m = location.pathname.match(/\/(account\/verify|account\/reset-password|orders\/(\d+))\/?$/);
const token = new URLSearchParams(location.search).get('token') || '';
const q = token ? `?token=${encodeURIComponent(token)}` : '';
let view = '#/';
if (m?.[1] === 'account/verify') view = `#/verify${q}`;
else if (m?.[1] === 'account/reset-password') view = `#/reset${q}`;
else if (m?.[2]) view = `#/order/${m[2]}${q}`;
location.replace(new URL(`../store/${view}`, location.href).href);
