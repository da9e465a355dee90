import { status } from '@grpc/grpc-js';
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../contracts';
import type { Logger } from '../logger';

type OperatorService = Connection['operatorService'];
type IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const { IndexedValueType } = temporal.api.enums.v1;

/** The type names the Temporal CLI and Web UI use. */
export const SEARCH_ATTRIBUTE_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

const INDEXED_VALUE_TYPE: Record<string, IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
};

/** A namespace the service cannot use as it is; retrying does not help, a person must act. */
export class SearchAttributeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchAttributeSetupError';
  }
}

export interface SearchAttributeSetup {
  added: string[];
  present: string[];
  /** Set when the server would not list search attributes, so nothing could be checked. */
  unverified?: string;
}

interface Needed {
  name: string;
  type: string;
}

const NEEDED: Needed[] = SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, type: key.type }));

function typeName(type: string): string {
  return SEARCH_ATTRIBUTE_TYPE_NAMES[type] ?? type;
}

function grpcCode(error: unknown): number | undefined {
  return isGrpcServiceError(error) ? error.code : undefined;
}

function isNotAllowed(error: unknown): boolean {
  const code = grpcCode(error);
  return (
    code === status.PERMISSION_DENIED || code === status.UNIMPLEMENTED || code === status.UNAUTHENTICATED
  );
}

function serverMessage(error: unknown): string {
  return isGrpcServiceError(error) ? `${status[error.code]}: ${error.details}` : String(error);
}

export function manualSetupCommands(namespace: string, attributes: Needed[] = NEEDED): string[] {
  return attributes.map(
    (key) =>
      `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${typeName(key.type)}`,
  );
}

function manualSetupError(namespace: string, missing: Needed[], error: unknown): SearchAttributeSetupError {
  const list = missing.map((key) => `${key.name} (${typeName(key.type)})`).join(', ');
  return new SearchAttributeSetupError(
    `Temporal namespace "${namespace}" lacks the search attributes ${list}, and this connection may not add ` +
      `them (${serverMessage(error)}). Add them once, then start again:\n  ` +
      manualSetupCommands(namespace, missing).join('\n  ') +
      '\nOn Temporal Cloud, add them in the Cloud UI (Namespaces → Search attributes) or with tcld.',
  );
}

async function listCustom(
  operator: OperatorService,
  namespace: string,
): Promise<Map<string, IndexedValueType>> {
  try {
    const response = await operator.listSearchAttributes({ namespace });
    return new Map(Object.entries(response.customAttributes ?? {}));
  } catch (error) {
    if (grpcCode(error) === status.NOT_FOUND) {
      throw new SearchAttributeSetupError(
        `Temporal namespace "${namespace}" does not exist (${serverMessage(error)}). Create it, e.g.: ` +
          `temporal operator namespace create --namespace ${namespace}`,
      );
    }
    throw error;
  }
}

function checkTypes(namespace: string, existing: Map<string, IndexedValueType>): void {
  const wrong = NEEDED.filter(
    (key) => existing.has(key.name) && existing.get(key.name) !== INDEXED_VALUE_TYPE[key.type],
  );
  if (wrong.length === 0) return;
  const described = wrong.map((key) => {
    const actual = IndexedValueType[existing.get(key.name)!]?.replace('INDEXED_VALUE_TYPE_', '') ?? 'unknown';
    return `${key.name} is ${typeName(actual)} but must be ${typeName(key.type)}`;
  });
  throw new SearchAttributeSetupError(
    `Temporal namespace "${namespace}" has search attributes of the wrong type: ${described.join('; ')}. ` +
      'Remove them (temporal operator search-attribute remove --name NAME) or use another namespace.',
  );
}

/**
 * Makes sure the namespace has the job search attributes, adding only the missing ones. Safe to
 * run from several workers at once: an "already exists" answer means another one won the race.
 */
export async function ensureSearchAttributes(
  operator: OperatorService,
  namespace: string,
): Promise<SearchAttributeSetup> {
  for (let attempt = 0; attempt < ADD_ATTEMPTS; attempt += 1) {
    let existing: Map<string, IndexedValueType>;
    try {
      existing = await listCustom(operator, namespace);
    } catch (error) {
      if (!isNotAllowed(error)) throw error;
      return addUnlisted(operator, namespace, error);
    }
    checkTypes(namespace, existing);
    const missing = NEEDED.filter((key) => !existing.has(key.name));
    const present = NEEDED.filter((key) => existing.has(key.name)).map((key) => key.name);
    if (missing.length === 0) return { added: [], present };
    try {
      await operator.addSearchAttributes(addRequest(namespace, missing));
      return { added: missing.map((key) => key.name), present };
    } catch (error) {
      if (isNotAllowed(error)) throw manualSetupError(namespace, missing, error);
      // Another worker added some of them meanwhile: look again.
      if (grpcCode(error) !== status.ALREADY_EXISTS) throw error;
    }
  }
  throw new SearchAttributeSetupError(
    `Temporal namespace "${namespace}" kept answering "already exists" without listing the job search attributes`,
  );
}

const ADD_ATTEMPTS = 3;

function addRequest(namespace: string, attributes: Needed[]) {
  return {
    namespace,
    searchAttributes: Object.fromEntries(attributes.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]!])),
  };
}

/**
 * Servers that cannot list (the time-skipping test server; some managed clusters) may still add.
 * When they refuse both, nothing can be known: the caller warns and carries on.
 */
async function addUnlisted(
  operator: OperatorService,
  namespace: string,
  listError: unknown,
): Promise<SearchAttributeSetup> {
  try {
    await operator.addSearchAttributes(addRequest(namespace, NEEDED));
    return { added: NEEDED.map((key) => key.name), present: [] };
  } catch (error) {
    if (grpcCode(error) === status.ALREADY_EXISTS)
      return { added: [], present: [], unverified: serverMessage(error) };
    if (isNotAllowed(error)) return { added: [], present: [], unverified: serverMessage(listError) };
    throw error;
  }
}

/**
 * The step the worker runs before it polls, and `npm run setup:temporal-namespace` runs alone.
 * Throws SearchAttributeSetupError when a person must act; other errors are worth retrying.
 */
export async function prepareNamespace(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  logger: Logger,
): Promise<SearchAttributeSetup> {
  const setup = await ensureSearchAttributes(connection.operatorService, namespace);
  if (setup.unverified) {
    logger.warn(
      { namespace, reason: setup.unverified, commands: manualSetupCommands(namespace) },
      'could not check the job search attributes; if job starts answer TEMPORAL_REJECTED, add them',
    );
  } else if (setup.added.length > 0) {
    logger.info({ namespace, added: setup.added }, 'job search attributes added');
  } else {
    logger.info({ namespace, present: setup.present }, 'job search attributes present');
  }
  return setup;
}
