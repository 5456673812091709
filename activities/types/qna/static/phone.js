// Q&A on the phone. It has no answer form: while a Q&A is open, join.js's Questions panel (driven by
// the state's `qna`, the type's state key) shows it, beside the live activity or, when the Q&A is
// itself the current activity, alone.
import { sentence } from "./results.js";

export default {
  ownPanel: true,
  sentence: (ctx, r) => sentence(ctx, r),
};
