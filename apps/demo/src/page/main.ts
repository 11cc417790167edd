// The demo page's script, bundled by rollup into dist/browser/demo.js. The Settle elements
// come from their own one-file bundle (/settle-elements.js), as a site would use them.
import './demo-app.js';
