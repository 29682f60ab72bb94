/**
 * Generated from openapi/gateway.yaml by openapi-typescript (npm run gen:web). Do not edit.
 */

export interface paths {
    "/checkouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check out the customer's cart */
        post: operations["startCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/checkouts/{checkoutId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        /** The checkout's live state */
        get: operations["getCheckout"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/checkouts/{checkoutId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a checkout that has not been paid
         * @description What was done is undone (the reservation released, the cart unlocked).
         *     Refused with 409 `not-cancellable` once the payment went through.
         */
        post: operations["cancelCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/web/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in from a browser; the refresh token is set as an HttpOnly cookie
         * @description Checks the e-mail and password at the users service (the same 401
         *     `invalid-credentials` for both mistakes) and answers the access
         *     token. The refresh token goes only into the `shop_refresh` cookie.
         *     Limited like `POST /sessions` (login, per client address).
         */
        post: operations["logInBrowser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/web/sessions/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new access token for the refresh cookie (which is rotated)
         * @description Sends the cookie's refresh token to the users service, which rotates
         *     it: the answer sets the new one. No cookie, or one the users service
         *     refuses (expired, used, logged out), is answered 401 and the cookie
         *     is cleared. A refresh token presented twice revokes the whole login,
         *     so a page asks for one refresh at a time.
         */
        post: operations["refreshBrowserSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/web/sessions/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke the refresh cookie's token and clear the cookie
         * @description Always 204 once the users service has revoked the token (or there
         *     was no cookie). When the users service cannot be reached the answer
         *     is 503 and the cookie is kept, so logging out can be tried again.
         *     Access tokens live on until they expire (15 minutes).
         */
        post: operations["logOutBrowser"];
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
        /** Format: uuid */
        CheckoutId: string;
        Money: {
            amount: components["schemas"]["OrderTotal"];
            currency: string;
        };
        StartCheckoutRequest: {
            /** @description A token from `POST /payment-methods` */
            paymentMethodId: string;
            shippingAddress: components["schemas"]["ShippingAddress"];
        };
        CancelCheckoutRequest: {
            reason?: string;
        };
        /** @enum {string} */
        CheckoutStatus: "running" | "waiting_for_support" | "compensating" | "completed" | "failed";
        CheckoutLine: {
            sku: string;
            name: string;
            quantity: components["schemas"]["LineQuantity"];
            unitPrice: components["schemas"]["UnitPrice"];
        };
        Checkout: {
            id: components["schemas"]["CheckoutId"];
            customerId: string;
            status: components["schemas"]["CheckoutStatus"];
            /**
             * @description The step it is at: started, locking_cart, reserving_inventory, charging_payment,
             *     creating_order, committing_inventory, completing_cart, notifying_customer,
             *     compensating, done. It moves only forward: between two steps it reads as
             *     the last one started.
             */
            step: string;
            lines?: components["schemas"]["CheckoutLine"][];
            total?: components["schemas"]["Money"];
            /**
             * Format: uuid
             * @description Set once the order is placed
             */
            orderId?: string;
            failure?: {
                /** @description PaymentDeclined, InsufficientFunds, OutOfStock, CancelledByCustomer, ... */
                type: string;
                message: string;
                /** @description The step that failed, e.g. charging_payment */
                step?: string;
            };
            /** @description True while a person must look at it (a service is down past its retry budget) */
            waitingForSupport?: boolean;
            statusUrl: string;
        };
        CheckoutProblem: components["schemas"]["Problem"] & {
            checkoutId?: components["schemas"]["CheckoutId"];
            failureType?: string;
            statusUrl?: string;
        };
        WebLoginRequest: {
            email: string;
            password: string;
        };
        WebUser: {
            /** Format: uuid */
            id: string;
            email: string;
            name: string;
            roles: ("customer" | "support" | "admin")[];
        };
        /** @description Like the users service's Session, without the refresh token (it is in the cookie) */
        WebSession: {
            /** @description An ES256 JWT; send it as Authorization: Bearer <token>. Keep it in memory only. */
            accessToken: string;
            /** @constant */
            tokenType: "Bearer";
            /** @description Seconds until the access token expires */
            expiresIn: number;
            user: components["schemas"]["WebUser"];
        };
        FieldError: {
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        /** @description 1-255 printable ASCII characters, no spaces (as Stripe's keys). */
        IdempotencyKey: string;
        /**
         * @description What one order totals, and so what one charge or refund may be, in
         *     the currency's minor units (at most 1,000,000.00 in a currency with
         *     cents)
         */
        OrderTotal: number;
        /**
         * @description An officially assigned ISO 3166-1 alpha-2 country code in upper case.
         *     The pattern lists every code accepted (the validation reads it from here).
         * @example GB
         */
        Country: string;
        /** @description Where an order is sent; the gateway takes it at checkout and the orders service keeps it with the order. */
        ShippingAddress: {
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postalCode: string;
            country: components["schemas"]["Country"];
        };
        /** @description Units of one product in one order or reservation line */
        LineQuantity: number;
        /** @description The price of one unit, in the currency's minor units (cents) */
        UnitPrice: number;
    };
    responses: {
        /** @description The request is malformed or a field is invalid; `errors` names each field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No access token, or an invalid or expired one */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Only customers check out; a checkout is seen by its customer and staff */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such checkout (or not yours) */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The checkout can no longer be cancelled (`not-cancellable`) */
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
        /** @description Rate limited; see the RateLimit and Retry-After headers */
        TooManyRequests: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A browser request from another site (`cross-site-request`), refused against CSRF */
        CrossSite: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Temporal or a service is not reachable right now; try again (with the same key) */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
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
        CheckoutId: components["schemas"]["CheckoutId"];
        /** @description The refresh token, set by the gateway (HttpOnly; the page never sees it) */
        RefreshCookie: string;
        /**
         * @description A key the client makes for one intended operation (a UUID, say).
         *     A repeat with the same key and request gets the stored response
         *     (`Idempotent-Replayed: true`); the same key with another request is
         *     refused with 422 `idempotency-key-reused`. Keys belong to their
         *     caller.
         */
        IdempotencyKey: components["schemas"]["IdempotencyKey"];
    };
    requestBodies: never;
    headers: {
        /** @description The checkout's status URL */
        Location: string;
        /** @description `shop_refresh=<token>; Path=/web/sessions; HttpOnly; SameSite=Strict` (and `Secure` over HTTPS); cleared with `Max-Age=0` */
        RefreshCookie: string;
        /** @description Tokens are never cached */
        NoStore: "no-store";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    startCheckout: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description A key the client makes for one intended operation (a UUID, say).
                 *     A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartCheckoutRequest"];
            };
        };
        responses: {
            /** @description Paid and ordered */
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkout"];
                };
            };
            /** @description Still under way (or waiting for support); follow the status URL */
            202: {
                headers: {
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkout"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description The card was declined; nothing was charged and the cart is unlocked */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CheckoutProblem"];
                };
            };
            403: components["responses"]["Forbidden"];
            /**
             * @description The checkout could not go ahead: `out-of-stock`, `cart-locked` (another
             *     checkout is running on the cart), or it failed otherwise (`checkout-failed`).
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CheckoutProblem"];
                };
            };
            413: components["responses"]["TooLarge"];
            /** @description `cart-empty`, `product-unavailable`, `cart-total-too-large`, or `idempotency-key-reused` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CheckoutProblem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeadTooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    getCheckout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The checkout as it stands */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkout"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeadTooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelCheckout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CancelCheckoutRequest"];
            };
        };
        responses: {
            /** @description Cancelling; the checkout ends failed with `CancelledByCustomer` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkout"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeadTooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    logInBrowser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebLoginRequest"];
            };
        };
        responses: {
            /** @description Signed in; `Set-Cookie` carries the refresh token */
            200: {
                headers: {
                    "Set-Cookie": components["headers"]["RefreshCookie"];
                    "Cache-Control": components["headers"]["NoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebSession"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            413: components["responses"]["TooLarge"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeadTooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    refreshBrowserSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: {
                /** @description The refresh token, set by the gateway (HttpOnly; the page never sees it) */
                shop_refresh?: components["parameters"]["RefreshCookie"];
            };
        };
        requestBody?: never;
        responses: {
            /** @description A new access token; `Set-Cookie` carries the new refresh token */
            200: {
                headers: {
                    "Set-Cookie": components["headers"]["RefreshCookie"];
                    "Cache-Control": components["headers"]["NoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebSession"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeadTooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
    logOutBrowser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: {
                /** @description The refresh token, set by the gateway (HttpOnly; the page never sees it) */
                shop_refresh?: components["parameters"]["RefreshCookie"];
            };
        };
        requestBody?: never;
        responses: {
            /** @description Logged out; `Set-Cookie` clears the cookie */
            204: {
                headers: {
                    "Set-Cookie": components["headers"]["RefreshCookie"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["CrossSite"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["RequestHeadTooLarge"];
            503: components["responses"]["Unavailable"];
        };
    };
}
