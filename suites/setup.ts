import fc from 'fast-check';
import { propertySeed } from './profile.ts';

// Pinned in the quick profile (stable property-test names and counterexamples), fresh in the full
// profile, FC_SEED to replay (profile.ts).
const { seed, fresh } = propertySeed();
fc.configureGlobal({ seed });
if (fresh) console.log(`fast-check seed ${seed} (full profile, drawn for this run); replay: FC_SEED=${seed} SUITES_PROFILE=full npx vitest run <file>`);
