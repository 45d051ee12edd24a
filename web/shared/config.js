// Where the API is, relative to this file: the local gateway serves web/ at / beside /api/. A
// deployment replaces this object (Terraform writes shared/config.js with the API deployment's URL).
export const apiBase = new URL('../api/', import.meta.url).href;
