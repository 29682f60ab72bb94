/**
 * Generated from openapi/payments.yaml as the gateway routes it by openapi-typescript (npm run gen:web). Do not edit.
 */

export interface paths {
    "/payment-methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Tokenise a card
         * @description Takes no `Idempotency-Key`: the request carries card data, which is
         *     not kept in any form, not even as a fingerprint of the request. A
         *     repeat makes a second token for the same card, which is harmless.
         */
        post: operations["createPaymentMethod"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/payment-methods/{paymentMethodId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                paymentMethodId: components["parameters"]["PaymentMethodId"];
            };
            cookie?: never;
        };
        get: operations["getPaymentMethod"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/charges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Charges, newest first, optionally for one reference or customer */
        get: operations["listCharges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/charges/{chargeId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                chargeId: components["parameters"]["ChargeId"];
            };
            cookie?: never;
        };
        get: operations["getCharge"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refund a charge, in full or in part
         * @description Without `amount` whatever remains of the charge is refunded. More than
         *     remains is refused with 409 `refund-exceeds-charge` (with
         *     `refundable`); a fully refunded charge with 409
         *     `charge-already-refunded`; a failed charge with 409
         *     `charge-not-refundable`.
         */
        post: operations["createRefund"];
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
        /** @example ch_3f2a9c1b7d4e6f8a0b1c2d3e */
        ObjectId: string;
        /** @description The caller's id for what is paid for, e.g. the checkout id */
        Reference: string;
        CustomerId: string;
        /**
         * @description An ISO 4217 currency code in upper case. The pattern lists every code
         *     accepted (the validation reads it from here).
         * @example USD
         */
        Currency: string;
        Money: {
            /** @description Minor units (cents) */
            amount: number;
            currency: components["schemas"]["Currency"];
        };
        /** @enum {string} */
        CardBrand: "visa" | "mastercard" | "amex" | "unknown";
        Card: {
            /** @description Digits only; must pass the Luhn check */
            number: string;
            expMonth: number;
            /** @description Four digits; the card must not have expired */
            expYear: number;
            cvc: string;
        };
        CreatePaymentMethodRequest: {
            card: components["schemas"]["Card"];
            /** @description When given, only this customer's charges may use the payment method. */
            customerId?: components["schemas"]["CustomerId"];
        };
        PaymentMethod: {
            /** @example pm_5e0c7a1f2b3d4c6e8f9a0b1c */
            id: string;
            brand: components["schemas"]["CardBrand"];
            last4: string;
            expMonth: number;
            expYear: number;
            customerId?: string;
            /** Format: date-time */
            createdAt: string;
        };
        CreateChargeRequest: {
            reference: components["schemas"]["Reference"];
            customerId: components["schemas"]["CustomerId"];
            amount: components["schemas"]["Money"];
            paymentMethodId: components["schemas"]["ObjectId"];
            description?: string;
        };
        /** @enum {string} */
        ChargeStatus: "succeeded" | "failed" | "partially_refunded" | "refunded";
        Charge: {
            /** @example ch_3f2a9c1b7d4e6f8a0b1c2d3e */
            id: string;
            reference: components["schemas"]["Reference"];
            customerId: string;
            amount: components["schemas"]["Money"];
            /** @description Minor units refunded so far */
            amountRefunded: number;
            status: components["schemas"]["ChargeStatus"];
            /** @description Why a failed charge failed, e.g. `generic_decline`, `insufficient_funds` */
            failureCode?: string;
            paymentMethod: {
                id: string;
                brand: components["schemas"]["CardBrand"];
                last4: string;
            };
            description?: string;
            /** Format: date-time */
            createdAt: string;
        };
        ChargePage: {
            items: components["schemas"]["Charge"][];
            total: number;
            limit: number;
            offset: number;
        };
        CreateRefundRequest: {
            chargeId: components["schemas"]["ObjectId"];
            /** @description Minor units, in the charge's currency; omitted, whatever remains is refunded */
            amount?: number;
            reason?: string;
        };
        Refund: {
            /** @example re_9d8c7b6a5f4e3d2c1b0a9f8e */
            id: string;
            chargeId: string;
            amount: components["schemas"]["Money"];
            reason?: string;
            /** @enum {string} */
            status: "succeeded";
            /** Format: date-time */
            createdAt: string;
        };
        ReferenceRefund: {
            reference: components["schemas"]["Reference"];
            /**
             * @description `refunded`: what remained of the charge was refunded now (`refund`);
             *     `nothing_to_refund`: the charge was already fully refunded;
             *     `voided`: nothing was charged, and the reference now refuses charges.
             * @enum {string}
             */
            status: "refunded" | "nothing_to_refund" | "voided";
            refund?: components["schemas"]["Refund"];
        };
        FieldError: {
            /** @example body.card.number */
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @example card-declined */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        CardDeclinedProblem: components["schemas"]["Problem"] & {
            /** @constant */
            type?: "card-declined";
            /**
             * @description The provider's reason, e.g. `generic_decline`, `insufficient_funds`
             * @example insufficient_funds
             */
            declineCode: string;
            /** @description The failed charge, which is kept */
            chargeId: string;
        };
    };
    responses: {
        /** @description No access token, or an invalid or expired one */
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
        /**
         * @description The request conflicts with the current state. `type` says how:
         *     `reference-already-charged` (with `chargeId`), `reference-voided`,
         *     `refund-exceeds-charge` (with `refundable`), `charge-already-refunded`,
         *     `charge-not-refundable`.
         */
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
        /**
         * @description Well-formed but cannot be processed: `unknown-payment-method`,
         *     `unknown-charge` (`errors` names the field), or
         *     `idempotency-key-reused` (the key was used for another request).
         */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `provider-unavailable`: the payment provider failed transiently
         *     (processing error, outage), or its answer did not arrive. No response
         *     is stored under the key: retry with the same key. A payment whose
         *     outcome is not known yet is asked for again under the same provider
         *     key, never made a second time.
         */
        ProviderUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        PaymentMethodId: components["schemas"]["ObjectId"];
        ChargeId: components["schemas"]["ObjectId"];
        Reference: components["schemas"]["Reference"];
        Limit: number;
        Offset: number;
        /** @description A unique key per intended operation (printable ASCII, no spaces); repeats return the stored response. */
        IdempotencyKey: string;
        /** @description A unique key per intended operation (printable ASCII, no spaces); repeats return the stored response. */
        IdempotencyKeyOptional: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    createPaymentMethod: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePaymentMethodRequest"];
            };
        };
        responses: {
            /** @description The card's token */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentMethod"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            503: components["responses"]["ProviderUnavailable"];
        };
    };
    getPaymentMethod: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                paymentMethodId: components["parameters"]["PaymentMethodId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment method */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentMethod"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    listCharges: {
        parameters: {
            query?: {
                reference?: components["schemas"]["Reference"];
                customerId?: components["schemas"]["CustomerId"];
                limit?: components["parameters"]["Limit"];
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of charges */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChargePage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    getCharge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                chargeId: components["parameters"]["ChargeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The charge */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Charge"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    createRefund: {
        parameters: {
            query?: never;
            header: {
                /** @description A unique key per intended operation (printable ASCII, no spaces); repeats return the stored response. */
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRefundRequest"];
            };
        };
        responses: {
            /** @description Refunded */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Refund"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["ProviderUnavailable"];
        };
    };
}
