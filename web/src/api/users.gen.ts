/**
 * Generated from openapi/users.yaml as the gateway routes it by openapi-typescript (npm run gen:web). Do not edit.
 */

export interface paths {
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Users, oldest first, optionally the one with an e-mail (support, admin) */
        get: operations["listUsers"];
        put?: never;
        /**
         * Create an account (role `customer`)
         * @description The e-mail is trimmed and lower-cased; an address already registered,
         *     in any case, is refused with 409 `email-taken`.
         */
        post: operations["signUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        /** A user's profile (the user, support, admin, service) */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a profile (the user, admin)
         * @description Only the fields sent change. `phone: null` removes the phone;
         *     `addresses` replaces the whole list.
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/users/{userId}/roles": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Replace a user's roles (admin)
         * @description Takes effect in the user's next token (login or refresh).
         */
        put: operations["setUserRoles"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with e-mail and password
         * @description A wrong password and an unknown e-mail get the same 401
         *     `invalid-credentials`, in the same time.
         */
        post: operations["logIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for a new access token and a new refresh token
         * @description The refresh token presented stops working. An unknown, expired, used
         *     or logged-out refresh token is refused with 401
         *     `invalid-refresh-token`; a used or logged-out one also revokes every
         *     refresh token from the same login.
         */
        post: operations["refreshSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a refresh token
         * @description Always 204, also for a token already revoked or unknown. Access tokens live on until they expire.
         */
        post: operations["logOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The public keys access tokens are signed with (RFC 7517) */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * Format: uuid
         * @example 5d7c1b9e-2a41-4f7e-9c1e-0f3a6b8d2e11
         */
        UserId: string;
        /**
         * @description An e-mail address (stored in lower case). The pattern is what is
         *     accepted; the validation reads it from here, and the other services
         *     accept the same addresses.
         * @example ada@example.com
         */
        Email: string;
        /** @description 10 to 128 characters, any characters; no composition rules */
        Password: string;
        /** @description E.164, e.g. +441234567890 */
        Phone: string;
        /** @description Not blank; stored without surrounding blanks */
        Name: string;
        /**
         * @description A user's role; `service` is held only by service tokens, never by a user
         * @enum {string}
         */
        UserRole: "customer" | "support" | "admin";
        /** @description A shipping address, as the orders service's ShippingAddress, with an optional label */
        Address: {
            /** @example Home */
            label?: string;
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postalCode: string;
            country: components["schemas"]["Country"];
        };
        SignUpRequest: {
            email: components["schemas"]["Email"];
            password: components["schemas"]["Password"];
            name: components["schemas"]["Name"];
            phone?: components["schemas"]["Phone"];
        };
        LoginRequest: {
            email: string;
            password: string;
        };
        RefreshRequest: {
            refreshToken: string;
        };
        UpdateUserRequest: {
            name?: components["schemas"]["Name"];
            /** @description null removes the phone */
            phone?: components["schemas"]["Phone"] | null;
            addresses?: components["schemas"]["Address"][];
        };
        SetRolesRequest: {
            roles: components["schemas"]["UserRole"][];
        };
        /** @description Other parameters are ignored, as RFC 6749 section 3.2 requires. */
        ClientCredentialsRequest: {
            /** @constant */
            grant_type: "client_credentials";
            client_id: string;
            client_secret: string;
            /** @description Ignored; service tokens carry the role `service` */
            scope?: string;
        };
        User: {
            id: components["schemas"]["UserId"];
            email: components["schemas"]["Email"];
            name: components["schemas"]["Name"];
            phone?: components["schemas"]["Phone"];
            addresses: components["schemas"]["Address"][];
            roles: components["schemas"]["UserRole"][];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        UserPage: {
            items: components["schemas"]["User"][];
            total: number;
            limit: number;
            offset: number;
        };
        Session: {
            /** @description An ES256 JWT; send it as Authorization: Bearer <token> */
            accessToken: string;
            /** @constant */
            tokenType: "Bearer";
            /** @description Seconds until the access token expires */
            expiresIn: number;
            /** @description Opaque; usable once */
            refreshToken: string;
            /** @description Seconds until the refresh token expires */
            refreshTokenExpiresIn: number;
            user: components["schemas"]["User"];
        };
        /** @description RFC 6749 section 5.1 */
        ServiceToken: {
            access_token: string;
            /** @constant */
            token_type: "Bearer";
            expires_in: number;
        };
        JsonWebKey: {
            /** @constant */
            kty: "EC";
            /** @constant */
            crv: "P-256";
            x: string;
            y: string;
            kid: string;
            /** @constant */
            alg: "ES256";
            /** @constant */
            use: "sig";
        };
        JsonWebKeySet: {
            keys: components["schemas"]["JsonWebKey"][];
        };
        FieldError: {
            /** @example body.addresses[0].country */
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @example email-taken */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        /** @description A problem that also carries RFC 6749's error code */
        OAuthProblem: components["schemas"]["Problem"] & {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "unsupported_grant_type";
        };
        /** @description 1-255 printable ASCII characters, no spaces (as Stripe's keys). */
        IdempotencyKey: string;
        /**
         * @description An officially assigned ISO 3166-1 alpha-2 country code in upper case.
         *     The pattern lists every code accepted (the validation reads it from here).
         * @example GB
         */
        Country: string;
    };
    responses: {
        /**
         * @description No access token, or an invalid or expired one; or, for logging in,
         *     `invalid-credentials`; for refreshing, `invalid-refresh-token`.
         */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller's roles do not allow this */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request is malformed or a field is invalid; `errors` names each field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such resource */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request conflicts with the current state; `email-taken` when the e-mail is registered. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is over the size limit */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `idempotency-key-reused`: the key was used for another request. */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `error` is `invalid_request` (a parameter is missing or invalid; `errors`
         *     names it) or `unsupported_grant_type`. A JSON body that does not parse
         *     is refused before it reaches the grant, with the shop's usual
         *     `malformed-json` problem (no `error` code).
         */
        OAuthBadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["OAuthProblem"] | components["schemas"]["Problem"];
            };
        };
        /** @description `error` is `invalid_client`: unknown client or wrong secret. */
        OAuthInvalidClient: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["OAuthProblem"];
            };
        };
        /**
         * @description `request-head-too-large`: the request line and headers are over 16 KB
         *     together (a URL too long, say), refused before the request is read.
         *     Every operation can answer it; each service adds it to every operation
         *     of the spec it serves.
         */
        RequestHeadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @constant */
                    type: "request-head-too-large";
                    title: string;
                    /** @constant */
                    status: 431;
                    detail?: string;
                };
            };
        };
    };
    parameters: {
        UserId: components["schemas"]["UserId"];
        /** @description Items per page */
        Limit: number;
        /** @description Items to skip */
        Offset: number;
        /**
         * @description Optional: a key the client makes for one intended operation (a UUID,
         *     say). A repeat with the same key and request gets the stored response
         *     (`Idempotent-Replayed: true`); the same key with another request is
         *     refused with 422 `idempotency-key-reused`. Keys belong to their
         *     caller.
         */
        IdempotencyKeyOptional: components["schemas"]["IdempotencyKey"];
    };
    requestBodies: never;
    headers: {
        /** @description Tokens are never cached */
        NoStore: "no-store";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listUsers: {
        parameters: {
            query?: {
                /** @description Matched exactly after trimming and lower-casing */
                email?: components["schemas"]["Email"];
                /** @description Items per page */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip */
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    signUp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignUpRequest"];
            };
        };
        responses: {
            /** @description The new user */
            201: {
                headers: {
                    /** @description The user's URL */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                userId: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserRequest"];
            };
        };
        responses: {
            /** @description The updated user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setUserRoles: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                userId: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetRolesRequest"];
            };
        };
        responses: {
            /** @description The user with the new roles */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Tokens for the user */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["NoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    refreshSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description New tokens */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["NoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description The refresh token no longer works */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["TooLarge"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every signing key in use; tokens name theirs in the `kid` header */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JsonWebKeySet"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
