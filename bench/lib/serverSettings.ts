/**
 * The settings of the self-started servers that the harness plans by, read from the MNEMO_*
 * variables it gives them (--server-env), else the server's documented defaults (README,
 * Configuration). The harness does not parse the server's configuration: when one of these
 * defaults changes in the server, it must change here too.
 */
export interface ServerSettings {
  /** MNEMO_TARGET_RECALL: recall@10 the default ef is calibrated to reach; 0 = no calibration. */
  targetRecall: number;
  /** MNEMO_EF_CALIBRATION_SAMPLES: searches a calibration replays (none is made before). */
  efCalibrationSamples: number;
  /** MNEMO_EXACT_SEARCH_MAX_CANDIDATES: candidate sets up to this size are searched exactly. */
  exactSearchMaxCandidates: number;
}

const DEFAULTS: Readonly<Record<string, number>> = {
  MNEMO_TARGET_RECALL: 0.98,
  MNEMO_EF_CALIBRATION_SAMPLES: 512,
  MNEMO_EXACT_SEARCH_MAX_CANDIDATES: 8192,
};

function setting(env: Readonly<Record<string, string>>, name: string): number {
  const raw = env[name]?.trim() ?? '';
  if (raw === '') return DEFAULTS[name] ?? 0;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--server-env ${name} must be a number ≥ 0, got "${raw}"`);
  }
  return value;
}

/** The settings in `env` (the --server-env pairs), with the server's defaults for the rest. */
export function serverSettings(env: Readonly<Record<string, string>>): ServerSettings {
  return {
    targetRecall: setting(env, 'MNEMO_TARGET_RECALL'),
    efCalibrationSamples: setting(env, 'MNEMO_EF_CALIBRATION_SAMPLES'),
    exactSearchMaxCandidates: setting(env, 'MNEMO_EXACT_SEARCH_MAX_CANDIDATES'),
  };
}
