// Hearken's small amount of JavaScript. Every action also works without it.
"use strict";
