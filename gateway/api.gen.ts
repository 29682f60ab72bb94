/**
 * Generated from openapi/gateway.yaml by openapi-typescript (npm run gen). Do not edit.
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
        ShippingAddress: {
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postalCode: string;
            country: components["schemas"]["Country"];
        };
        /**
         * @description An officially assigned ISO 3166-1 alpha-2 country code in upper case.
         *     The pattern lists every code accepted (the validation reads it from here).
         * @example GB
         */
        Country: string;
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
            /** @description The step it is at: reserving_inventory, charging_payment, creating_order, ... */
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
        /** @description Units of one product in one order or reservation line */
        LineQuantity: number;
        /** @description The price of one unit, in the currency's minor units (cents) */
        UnitPrice: number;
        /**
         * @description What one order totals, and so what one charge or refund may be, in
         *     the currency's minor units (at most 1,000,000.00 in a currency with
         *     cents)
         */
        OrderTotal: number;
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
        /** @description Temporal or a service is not reachable right now; try again (with the same key) */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        CheckoutId: components["schemas"]["CheckoutId"];
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
            /** @description `cart-empty`, `product-unavailable`, or `idempotency-key-reused` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["CheckoutProblem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
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
            503: components["responses"]["Unavailable"];
        };
    };
}
