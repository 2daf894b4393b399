// A refusal in Linear's own words: the GraphQL error entry Linear would send (message, code, type, the message for
// people) and its HTTP status. The Linear double serves it as is; the local LinearPort maps it with the same
// function the SDK adapter uses on Linear's replies, so both ports fail alike.
export interface LinearErrorEntry {
  message: string;
  extensions: {
    code: string;
    type: string;
    userError: boolean;
    userPresentableMessage: string;
  };
}

export class WorkspaceError extends Error {
  /** graphql-js copies an error's `extensions` into the response. */
  readonly extensions: LinearErrorEntry['extensions'];

  constructor(
    readonly entry: LinearErrorEntry,
    readonly httpStatus: number,
  ) {
    super(entry.message);
    this.name = 'WorkspaceError';
    this.extensions = entry.extensions;
  }
}

/** What Linear answers when an input fails validation, e.g. `teamId must be a UUID.` */
export function argumentValidationError(userPresentableMessage: string): WorkspaceError {
  return new WorkspaceError(
    {
      message: 'Argument Validation Error',
      extensions: { code: 'INVALID_INPUT', type: 'invalid input', userError: true, userPresentableMessage },
    },
    400,
  );
}

export type EntityName = 'Issue' | 'Team' | 'User' | 'WorkflowState' | 'IssueLabel' | 'Comment';

/** Linear's answer for an id that names nothing; HTTP 200, like a partial success. */
export function entityNotFoundError(entity: EntityName): WorkspaceError {
  return new WorkspaceError(
    {
      message: `Entity not found: ${entity}`,
      extensions: {
        code: 'INPUT_ERROR',
        type: 'invalid input',
        userError: true,
        userPresentableMessage: `Could not find referenced ${entity}.`,
      },
    },
    200,
  );
}

/**
 * A create whose client-supplied id is taken. Linear's wording for this is not documented; what matters is that it
 * is a refusal, never a second entity. Our ports look the id up before creating, so they only meet it in a race.
 */
export function duplicateIdError(entity: 'issue' | 'comment'): WorkspaceError {
  return argumentValidationError(`An ${entity} with this id already exists.`);
}
