// The mailed links (/account/verify?token=, /account/reset-password?token=, /orders/{id}?token=,
// /account/orders/{id}, /account/tickets/{id}) land on link.html or link-deep.html (by depth,
// so their relative script path resolves; the gateway and the deployment route them there); this sends
// them to the storefront's matching view, keeping the token out of the server's logs from then on (it moves to the fragment).
const m = location.pathname.match(/\/(account\/verify|account\/reset-password|account\/tickets\/(\d+)|(?:account\/)?orders\/(\d+))\/?$/);
const token = new URLSearchParams(location.search).get('token') || '';
const q = token ? `?token=${encodeURIComponent(token)}` : '';
let view = '#/';
if (m?.[1] === 'account/verify') view = `#/verify${q}`;
else if (m?.[1] === 'account/reset-password') view = `#/reset${q}`;
else if (m?.[2]) view = `#/tickets/${m[2]}`;
else if (m?.[3]) view = `#/order/${m[3]}${q}`;
// The web root is what precedes the link's own path (a deployment's prefix included).
const rootPath = m ? location.pathname.slice(0, location.pathname.length - m[0].length) : '';
location.replace(new URL(`${rootPath}/store/${view}`, location.origin).href);
