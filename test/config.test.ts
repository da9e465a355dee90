import { ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      temporalPort: 7233,
      temporalUiPort: 8233,
      temporalUiUrl: 'http://localhost:8233',
      // Intake and analysis stream, so memory does not grow with the limit.
      maxUploadBytes: 1024 * 1024 * 1024,
    });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('derives the Temporal address from TEMPORAL_PORT', () => {
    expect(loadConfig({ TEMPORAL_PORT: '7300' }).temporalAddress).toBe('127.0.0.1:7300');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['TEMPORAL_PORT', '0'],
    ['TEMPORAL_UI_PORT', '-1'],
    ['TEMPORAL_ADDRESS', 'no-port-here'],
    ['TEMPORAL_NAMESPACE', '  '],
    ['DATA_DIR', ''],
    ['LOG_LEVEL', 'loud'],
    ['TEMPORAL_UI_URL', 'ftp://x'],
  ])('rejects %s=%p naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });
});
